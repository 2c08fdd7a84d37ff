import type { Severity } from './decision/severity.ts';
import type { ClaimCheck, Identity } from './identity.ts';
import type { DamageType, DamageTypeScores, Millis, Probability, ProductId, Verdict } from './types.ts';

/** A coarse map over the analysed crop, row-major, values in [0, 1]. */
export interface ScoreMap {
  width: number;
  height: number;
  values: Float32Array;
}

export interface ProductMatch {
  product: ProductId;
  /** In a check's result: the calibrated probability that the item is this product. */
  score: number;
}

export interface QualityReport {
  ok: boolean;
  /** Why a re-take is needed, in words an associate understands ("image too blurry"). */
  problems: string[];
  sharpness: number;
  meanLuma: number;
}

export interface CheckTimings {
  preprocess: Millis;
  inference: Millis;
  gallery: Millis;
  total: Millis;
}

export interface UnitCount {
  expected: number;
  counted: number;
}

export interface BarcodeCheck {
  code: string;
  product: ProductId | null;
  mismatch: boolean;
}

/** Everything one check produced; the CLI's `inspect` line and the Check screen are views of it. */
export interface CheckResult {
  /** The product the verdict was judged against: the claimed one, the barcode's, or the one identified. */
  product: ProductId | null;
  /** The gallery's products by calibrated probability (core/identity.ts), most probable first. */
  matches: ProductMatch[];
  /** What the picture shows; null when no gallery was searched. */
  identity: Identity | null;
  /** The claimed product checked against the picture; null when nothing was claimed. */
  claim: ClaimCheck | null;
  damage: Probability;
  types: DamageTypeScores;
  topType: DamageType;
  heatmap: ScoreMap;
  /** null when there is no gallery (or no references for the product) to compare with. */
  anomaly: Probability | null;
  anomalyMap: ScoreMap | null;
  quality: QualityReport;
  /** The fused probability that the item should be sidelined. */
  score: Probability;
  verdict: Verdict;
  /** Plain-language reasons for the verdict, most important first. */
  reasons: string[];
  /** How bad a damage finding is (per the severity policy); null when there is none. */
  severity?: Severity | null;
  /** Multi-unit packs: units the product should have and units counted; null when not counted. */
  units?: UnitCount | null;
  /** The barcode read from the item, the product it names (null: unknown code), and whether that
   * contradicts the product recognised in the picture; null when no barcode was given. */
  barcode?: BarcodeCheck | null;
  timings: CheckTimings;
  /** Execution provider actually used ("webgpu", "wasm"), as reported by onnxruntime. */
  provider: string;
}
