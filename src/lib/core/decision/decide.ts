// The verdict for one check: Retake when the frame cannot be judged, Sideline when the calibrated
// fused score is over the threshold for the item's category (or a unit is missing, or the label
// does not match the barcode), Pass otherwise; each with reasons in words and, for damage, a
// severity from the operations manager's policy. A drop-in replacement for the provisional
// `decide` in ../provisional-fusion.ts: same inputs (plus optional extras), same outputs (plus more).
import type { QualityReport, ScoreMap } from '../check-result.ts';
import { probability, type DamageType, type DamageTypeScores, type Probability, type Verdict } from '../types.ts';
import defaultPolicyJson from './default-severity-policy.json' with { type: 'json' };
import defaultThresholdsJson from './default-thresholds.json' with { type: 'json' };
import { BARCODE_MISMATCH, describeAnomaly, GALLERY_PREPARING, describeDamage, describeMissingUnits, describeSeverity, percentScore } from './explain.ts';
import { checkFusionInputs, featureValue, type FeatureName, type FusionInputs } from './features.ts';
import { mapPeak, type MapPeak } from './location.ts';
import { calibratedScore, fusedLogit, parseDecisionModel, thresholdFor, type DecisionModel } from './model.ts';
import { assessSeverity, parseSeverityPolicy, policyFor, type Severity, type SeverityPolicy } from './severity.ts';

export interface DecisionInput {
  quality: QualityReport;
  damage: number;
  types: DamageTypeScores;
  topType: DamageType;
  /** null when there are no references to compare with. */
  anomaly: number | null;
  heatmap?: ScoreMap | null;
  anomalyMap?: ScoreMap | null;
  /** Confidence (0..1) that the item is the matched product; null/absent when the product was given. */
  identification?: number | null;
  /** The decoded barcode names a different product than the one recognised on the label. */
  barcodeMismatch?: boolean;
  /** For multi-unit packs, when the units were counted. */
  units?: { expected: number; counted: number } | null;
  /** Product category for per-category thresholds and severity policy. */
  category?: string | null;
  /** References are still being loaded: a missing comparison is not for want of references. */
  galleryPreparing?: boolean;
}

export interface Decision {
  score: Probability;
  verdict: Verdict;
  reasons: string[];
  /** For a damage finding; null when nothing (or only a barcode mismatch) was found. */
  severity: Severity | null;
  /** The fused logit, and the threshold it was compared with (sideline when strictly above). */
  fusedLogit: number;
  threshold: number;
  /** The category whose own threshold applied; null for the global threshold. */
  thresholdCategory: string | null;
  /** Where the strongest evidence of damage is, when a map was given. */
  location: MapPeak | null;
}

export interface DecisionConfig {
  model: DecisionModel;
  policy: SeverityPolicy;
  /**
   * Below this identification confidence, the comparison with "the product's" references is
   * against what may be the wrong product, so the anomaly score is ignored. 0 turns this off.
   */
  identificationFloor: number;
}

export const DEFAULT_DECISION_CONFIG: DecisionConfig = {
  model: parseDecisionModel(structuredClone(defaultThresholdsJson)),
  policy: parseSeverityPolicy(defaultPolicyJson),
  identificationFloor: 0,
};

const DAMAGE_FEATURES: readonly FeatureName[] = ['damage', 'topType'];
const ANOMALY_FEATURES: readonly FeatureName[] = ['anomaly', 'anomalyMissing'];

/** How far each group of evidence pushed the fused logit above the training average. */
function contributions(model: DecisionModel, inputs: FusionInputs): { damage: number; anomaly: number } {
  const share = (names: readonly FeatureName[]) =>
    model.fusion.features.reduce((sum, f, j) => {
      if (!names.includes(f)) return sum;
      const v = featureValue(f, inputs);
      return sum + model.fusion.weights[j] * ((Number.isNaN(v) ? model.fusion.impute[j] : v) - model.fusion.impute[j]);
    }, 0);
  return { damage: share(DAMAGE_FEATURES), anomaly: share(ANOMALY_FEATURES) };
}

const SEVERITY_RANK: Record<Severity, number> = { cosmetic: 0, unsellable: 1 };
const worse = (a: Severity | null, b: Severity): Severity => (a && SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b);

export function decide(input: DecisionInput, config: DecisionConfig = DEFAULT_DECISION_CONFIG): Decision {
  const { model, policy } = config;
  const identificationTooLow = input.identification != null && input.anomaly !== null && input.identification < config.identificationFloor;
  const inputs: FusionInputs = { damage: input.damage, types: input.types, anomaly: identificationTooLow ? null : input.anomaly };
  checkFusionInputs(inputs);
  const z = fusedLogit(model.fusion, inputs);
  const score = probability(calibratedScore(model, z));
  const { logit: threshold, category: thresholdCategory } = thresholdFor(model, input.category);
  const damagePeak = input.heatmap ? mapPeak(input.heatmap, policy.cellThreshold, policy.edgeMargin) : null;
  const anomalyPeak = input.anomalyMap && !identificationTooLow ? mapPeak(input.anomalyMap, policy.cellThreshold, policy.edgeMargin) : null;
  const base = { score, fusedLogit: z, threshold, thresholdCategory };

  if (!input.quality.ok) {
    const problems = input.quality.problems.length ? input.quality.problems : ['the photo cannot be judged: take it again'];
    return { ...base, verdict: 'retake', reasons: [...problems], severity: null, location: null };
  }

  const reasons: string[] = [];
  let severity: Severity | null = null;
  let sideline = false;
  if (input.barcodeMismatch) {
    reasons.push(BARCODE_MISMATCH);
    sideline = true;
  }
  const missing = input.units ? describeMissingUnits(input.units.expected, input.units.counted) : null;
  if (missing) {
    reasons.push(missing);
    severity = 'unsellable';
    sideline = true;
  }

  let location: MapPeak | null = null;
  let cosmeticPass = false;
  if (z > threshold) {
    const share = contributions(model, inputs);
    const anomalyLeads = share.anomaly > share.damage;
    location = anomalyLeads ? (anomalyPeak ?? damagePeak) : (damagePeak ?? anomalyPeak);
    const finding = { type: input.topType, zone: location?.zone ?? 'centre', area: location?.area ?? 1 };
    const assessed = assessSeverity(policy, input.category, finding).severity;
    const passesAsCosmetic = assessed === 'cosmetic' && policyFor(policy, input.category).cosmetic === 'pass';
    const evidence: string[] = [];
    if (!anomalyLeads || share.damage > 0.25 * share.anomaly) evidence.push(describeDamage(input.topType, damagePeak ?? location));
    if (anomalyLeads || share.anomaly > 0.25 * share.damage) {
      if (inputs.anomaly !== null && share.anomaly > 0) evidence.push(describeAnomaly(anomalyPeak));
    }
    if (evidence.length === 0) evidence.push(describeDamage(input.topType, location));
    reasons.push(...evidence, describeSeverity(assessed, location?.area ?? null, passesAsCosmetic));
    severity = worse(severity, assessed);
    if (passesAsCosmetic && !sideline) cosmeticPass = true;
    else sideline = true;
  }

  if (identificationTooLow) reasons.push(`product not recognised with confidence (${percentScore(input.identification!)}): not compared with its reference photos`);
  else if (input.anomaly === null) reasons.push(input.galleryPreparing ? GALLERY_PREPARING : 'not compared with reference photos (none in the gallery for this item)');

  if (sideline) return { ...base, verdict: 'sideline', reasons, severity, location };
  if (!cosmeticPass) reasons.unshift(`no damage found (sideline score ${percentScore(score)})`);
  return { ...base, verdict: 'pass', reasons, severity: cosmeticPass ? 'cosmetic' : null, location };
}
