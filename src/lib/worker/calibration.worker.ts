// The calibration worker: reading labelled files and fitting thresholds, off the UI thread.
import * as Comlink from 'comlink';
import { calibrationFitter } from './calibration-fitter.ts';

Comlink.expose(calibrationFitter);
