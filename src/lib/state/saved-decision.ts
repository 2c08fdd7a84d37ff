// The decision settings saved on this device (Calibrate screen), for the inference worker's
// pipeline; undefined means the shipped defaults. A device without IndexedDB, or with a saved
// file that no longer validates, falls back to the defaults rather than refusing to check.
import { DEFAULT_DECISION_CONFIG, type DecisionConfig } from '../core/decision/decide.ts';
import { loadSeverityPolicy, loadThresholds, openFeedbackDb } from './feedback-store.ts';

export async function savedDecisionConfig(): Promise<DecisionConfig | undefined> {
  try {
    const db = await openFeedbackDb();
    try {
      const [model, policy] = await Promise.all([loadThresholds(db), loadSeverityPolicy(db)]);
      if (!model && !policy) return undefined;
      return { ...DEFAULT_DECISION_CONFIG, model: model ?? DEFAULT_DECISION_CONFIG.model, policy: policy ?? DEFAULT_DECISION_CONFIG.policy };
    } finally {
      db.close();
    }
  } catch (e) {
    console.warn('decision: saved thresholds could not be read; using the shipped defaults', e);
    return undefined;
  }
}
