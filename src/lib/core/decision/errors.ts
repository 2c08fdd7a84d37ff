/**
 * Labelled data that cannot support a decision (empty, one class only, NaN scores…). The message
 * is one line meant for the person who supplied the data, so the CLI prints it as is.
 */
export class CalibrationInputError extends Error {
  override name = 'CalibrationInputError';
}

/** A policy or thresholds file that does not follow its schema; the message names the field. */
export class DecisionConfigError extends Error {
  override name = 'DecisionConfigError';
}
