// The calibration worker: reading labelled files, fitting thresholds and packing the feedback
// export, off the UI thread.
import * as Comlink from 'comlink';
import { createCalibrationFitter, type CalibrationFitterApi } from './calibration-fitter.ts';

const fitter = createCalibrationFitter();
const api: CalibrationFitterApi = {
  ...fitter,
  // The zip is moved back to the page, not copied.
  async zipFeedback(items) {
    const outcome = await fitter.zipFeedback(items);
    return outcome.ok ? Comlink.transfer(outcome, [outcome.value.zip.buffer]) : outcome;
  },
};

Comlink.expose(api);
