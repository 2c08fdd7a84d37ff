// The calibration worker: reading labelled files and fitting thresholds, off the UI thread.
import * as Comlink from 'comlink';
import { createCalibrationFitter } from './calibration-fitter.ts';

Comlink.expose(createCalibrationFitter());
