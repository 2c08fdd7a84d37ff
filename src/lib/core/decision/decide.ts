// The verdict for one check: Retake when the frame cannot be judged, Sideline when the calibrated
// fused score is over the threshold for the item's category (or a unit is missing, or the label
// does not match the barcode), Pass otherwise; each with reasons in words and, for damage, a
// severity from the operations manager's policy. A drop-in replacement for the provisional
// `decide` in ../provisional-fusion.ts: same inputs (plus optional extras), same outputs (plus more).
import type { QualityReport, ScoreMap } from '../check-result.ts';
import { probability, type DamageType, type DamageTypeScores, type Probability, type Verdict } from '../types.ts';
import defaultPolicyJson from './default-severity-policy.json' with { type: 'json' };
import defaultThresholdsJson from './default-thresholds.json' with { type: 'json' };
import type { IdentityStatus } from '../identity.ts';
import { BARCODE_MISMATCH, describeAnomaly, describeClaimMismatch, GALLERY_PREPARING, describeDamage, describeMissingUnits, describeSeverity, NO_ITEM, NOT_IN_GALLERY, percentScore } from './explain.ts';
import { checkFusionInputs, type FeatureName, type FusionInputs } from './features.ts';
import { mapPeak, type MapPeak } from './location.ts';
import { calibratedScore, fusedLogit, fusionValue, parseDecisionModel, thresholdFor, type DecisionModel } from './model.ts';
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
  /** What the picture shows (core/identity.ts); absent when no gallery was searched. */
  identity?: IdentityEvidence | null;
  /** A claimed identity (tote list, WMS, a product picked) weighed against the picture. */
  claim?: ClaimEvidence | null;
  /** The decoded barcode names a different product than the one recognised on the label. */
  barcodeMismatch?: boolean;
  /** For multi-unit packs, when the units were counted. */
  units?: { expected: number; counted: number } | null;
  /** Product category for per-category thresholds and severity policy. */
  category?: string | null;
  /** References are still being loaded: a missing comparison is not for want of references. */
  galleryPreparing?: boolean;
}

export interface IdentityEvidence {
  status: IdentityStatus;
  /** Display names: the product (identified), or the look-alikes, most probable first. */
  names: string[];
  /** Calibrated probability of the (first) named product. */
  probability: number;
}

/** A claimed identity weighed against the picture (core/identity.ts checkClaim). */
export interface ClaimEvidence {
  claimedName: string;
  /** The most probable other product, or null when none is ranked. */
  looksLikeName: string | null;
  /** Calibrated probability that the item is that other product. */
  otherProbability: number;
  /** The picture confidently shows the other product. */
  mismatch: boolean;
}

/**
 * The sideline score reported for a check: the fused damage/comparison score, or, for a claimed
 * item, the probability that it is another product when that is higher. Two reasons to set an
 * item aside; the stronger one is the number the associate sees.
 */
export const sidelineScore = (fused: number, claim: ClaimEvidence | null | undefined): number => Math.max(fused, claim?.otherProbability ?? 0);

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
}

export const DEFAULT_DECISION_CONFIG: DecisionConfig = {
  model: parseDecisionModel(structuredClone(defaultThresholdsJson)),
  policy: parseSeverityPolicy(defaultPolicyJson),
};

const DAMAGE_FEATURES: readonly FeatureName[] = ['damage', 'topType'];
const ANOMALY_FEATURES: readonly FeatureName[] = ['anomaly', 'anomalyMissing'];

/** How far each group of evidence pushed the fused logit above the training average. */
function contributions(model: DecisionModel, inputs: FusionInputs): { damage: number; anomaly: number } {
  const share = (names: readonly FeatureName[]) =>
    model.fusion.features.reduce((sum, f, j) => {
      if (!names.includes(f)) return sum;
      const floor = model.fusion.floors?.[j];
      const average = floor == null ? model.fusion.impute[j] : Math.max(floor, model.fusion.impute[j]);
      return sum + model.fusion.weights[j] * (fusionValue(model.fusion, j, inputs) - average);
    }, 0);
  return { damage: share(DAMAGE_FEATURES), anomaly: share(ANOMALY_FEATURES) };
}

const SEVERITY_RANK: Record<Severity, number> = { cosmetic: 0, unsellable: 1 };
const worse = (a: Severity | null, b: Severity): Severity => (a && SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b);

/** Why the item was not compared with reference photos. */
function missingComparison(input: DecisionInput): string {
  if (input.galleryPreparing) return GALLERY_PREPARING;
  if (input.identity?.status === 'unknown') return NOT_IN_GALLERY;
  return 'not compared with reference photos (none in the gallery for this item)';
}

export function decide(input: DecisionInput, config: DecisionConfig = DEFAULT_DECISION_CONFIG): Decision {
  const { model, policy } = config;
  const inputs: FusionInputs = { damage: input.damage, types: input.types, anomaly: input.anomaly };
  checkFusionInputs(inputs);
  const z = fusedLogit(model.fusion, inputs);
  const score = probability(sidelineScore(calibratedScore(model, z), input.claim));
  const { logit: threshold, category: thresholdCategory } = thresholdFor(model, input.category);
  const damagePeak = input.heatmap ? mapPeak(input.heatmap, policy.cellThreshold, policy.edgeMargin) : null;
  const anomalyPeak = input.anomalyMap ? mapPeak(input.anomalyMap, policy.cellThreshold, policy.edgeMargin) : null;
  const base = { score, fusedLogit: z, threshold, thresholdCategory };

  if (!input.quality.ok) {
    const problems = input.quality.problems.length ? input.quality.problems : ['the photo cannot be judged: take it again'];
    return { ...base, verdict: 'retake', reasons: [...problems], severity: null, location: null };
  }
  if (input.identity?.status === 'no-item') {
    return { ...base, verdict: 'retake', reasons: [NO_ITEM], severity: null, location: null };
  }

  const reasons: string[] = [];
  let severity: Severity | null = null;
  let sideline = false;
  if (input.claim?.mismatch && input.claim.looksLikeName) {
    reasons.push(describeClaimMismatch(input.claim.looksLikeName, input.claim.claimedName));
    sideline = true;
  }
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

  if (input.anomaly === null) reasons.push(missingComparison(input));

  if (sideline) return { ...base, verdict: 'sideline', reasons, severity, location };
  if (!cosmeticPass) reasons.unshift(`no damage found (sideline score ${percentScore(score)})`);
  return { ...base, verdict: 'pass', reasons, severity: cosmeticPass ? 'cosmetic' : null, location };
}
