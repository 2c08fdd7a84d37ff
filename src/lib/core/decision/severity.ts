// How bad is the damage? A scuff on the outer band of a box that the customer throws away is
// cosmetic; a hole, a spill or a crushed centre is not. The operations manager edits the rules
// per category (a JSON policy); the first rule that matches the damage type, where it is and
// how large it is decides. Anything no rule covers falls to `otherwise` (unsellable by default,
// so a gap in the policy errs towards a person looking at the item).
import { DAMAGE_TYPES, type DamageType } from '../types.ts';
import { DecisionConfigError } from './errors.ts';
import type { Zone } from './location.ts';

export type Severity = 'cosmetic' | 'unsellable';
export const SEVERITY_SCHEMA = 'intact-severity/1';

export interface SeverityRule {
  /** A damage type, or "any". */
  type: DamageType | 'any';
  /** "edge" matches the outer band (edges and corners), "corner" only corners, "centre" the middle. */
  location?: 'any' | 'edge' | 'corner' | 'centre';
  /** Matches only damage covering at most / at least this fraction of the item (0..1). */
  maxArea?: number;
  minArea?: number;
  severity: Severity;
}

export interface CategoryPolicy {
  rules: SeverityRule[];
  otherwise: Severity;
  /** What a cosmetic finding does to the verdict: still sideline it for a person to look at, or let it pass. */
  cosmetic: 'pass' | 'sideline';
}

export interface SeverityPolicy {
  schema: typeof SEVERITY_SCHEMA;
  /** A heatmap cell counts towards the damaged area at or above this value. */
  cellThreshold: number;
  /** Width of the outer band (fraction of each side) that counts as edge. */
  edgeMargin: number;
  default: CategoryPolicy;
  categories: Record<string, CategoryPolicy>;
}

export interface DamageFinding {
  type: DamageType;
  zone: Zone;
  /** Fraction of the item covered, 0..1. */
  area: number;
}

function ruleMatches(rule: SeverityRule, f: DamageFinding): boolean {
  if (rule.type !== 'any' && rule.type !== f.type) return false;
  const where = rule.location ?? 'any';
  if (where === 'edge' && f.zone === 'centre') return false;
  if ((where === 'corner' || where === 'centre') && f.zone !== where) return false;
  if (rule.maxArea !== undefined && f.area > rule.maxArea) return false;
  if (rule.minArea !== undefined && f.area < rule.minArea) return false;
  return true;
}

export const policyFor = (policy: SeverityPolicy, category: string | null | undefined): CategoryPolicy =>
  (category ? policy.categories[category] : undefined) ?? policy.default;

export function assessSeverity(policy: SeverityPolicy, category: string | null | undefined, finding: DamageFinding): { severity: Severity; rule: number | null } {
  const p = policyFor(policy, category);
  const index = p.rules.findIndex((r) => ruleMatches(r, finding));
  return index >= 0 ? { severity: p.rules[index].severity, rule: index } : { severity: p.otherwise, rule: null };
}

// ---- validation: the policy is edited by hand, so every mistake is named precisely -----------------

const SEVERITIES: readonly string[] = ['cosmetic', 'unsellable'];
const LOCATIONS: readonly string[] = ['any', 'edge', 'corner', 'centre'];
const RULE_KEYS = new Set(['type', 'location', 'maxArea', 'minArea', 'severity']);
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function fraction(v: unknown, where: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new DecisionConfigError(`${where} must be a number from 0 to 1 (a fraction of the item), got ${JSON.stringify(v)}`);
  return v;
}

function parseRule(v: unknown, where: string): SeverityRule {
  if (!isObject(v)) throw new DecisionConfigError(`${where} must be an object like {"type": "crush", "severity": "cosmetic"}`);
  for (const k of Object.keys(v)) if (!RULE_KEYS.has(k)) throw new DecisionConfigError(`${where} has an unknown field "${k}" (allowed: ${[...RULE_KEYS].join(', ')})`);
  if (v.type !== 'any' && !(DAMAGE_TYPES as readonly unknown[]).includes(v.type)) {
    throw new DecisionConfigError(`${where}.type must be one of any, ${DAMAGE_TYPES.join(', ')}; got ${JSON.stringify(v.type)}`);
  }
  if (v.location !== undefined && !LOCATIONS.includes(v.location as string)) throw new DecisionConfigError(`${where}.location must be one of ${LOCATIONS.join(', ')}; got ${JSON.stringify(v.location)}`);
  if (!SEVERITIES.includes(v.severity as string)) throw new DecisionConfigError(`${where}.severity must be "cosmetic" or "unsellable"; got ${JSON.stringify(v.severity)}`);
  const maxArea = fraction(v.maxArea, `${where}.maxArea`);
  const minArea = fraction(v.minArea, `${where}.minArea`);
  if (maxArea !== undefined && minArea !== undefined && minArea > maxArea) throw new DecisionConfigError(`${where}: minArea (${minArea}) is larger than maxArea (${maxArea})`);
  const rule: SeverityRule = { type: v.type as SeverityRule['type'], severity: v.severity as Severity };
  if (v.location !== undefined) rule.location = v.location as SeverityRule['location'];
  if (maxArea !== undefined) rule.maxArea = maxArea;
  if (minArea !== undefined) rule.minArea = minArea;
  return rule;
}

function parseCategoryPolicy(v: unknown, where: string): CategoryPolicy {
  if (!isObject(v)) throw new DecisionConfigError(`${where} must be an object with rules, otherwise and cosmetic`);
  if (!Array.isArray(v.rules)) throw new DecisionConfigError(`${where}.rules must be a list of rules`);
  const otherwise = v.otherwise ?? 'unsellable';
  if (!SEVERITIES.includes(otherwise as string)) throw new DecisionConfigError(`${where}.otherwise must be "cosmetic" or "unsellable"; got ${JSON.stringify(otherwise)}`);
  const cosmetic = v.cosmetic ?? 'sideline';
  if (cosmetic !== 'pass' && cosmetic !== 'sideline') throw new DecisionConfigError(`${where}.cosmetic must be "pass" or "sideline"; got ${JSON.stringify(cosmetic)}`);
  return { rules: v.rules.map((r, i) => parseRule(r, `${where}.rules[${i}]`)), otherwise: otherwise as Severity, cosmetic };
}

/** Checks a policy (parsed JSON) and returns it typed; throws DecisionConfigError naming the bad field. */
export function parseSeverityPolicy(v: unknown): SeverityPolicy {
  if (!isObject(v)) throw new DecisionConfigError('severity policy must be a JSON object');
  if (v.schema !== SEVERITY_SCHEMA) throw new DecisionConfigError(`severity policy schema must be "${SEVERITY_SCHEMA}", got ${JSON.stringify(v.schema)}`);
  const cellThreshold = fraction(v.cellThreshold ?? 0.5, 'cellThreshold')!;
  const edgeMargin = fraction(v.edgeMargin ?? 0.25, 'edgeMargin')!;
  if (edgeMargin > 0.5) throw new DecisionConfigError(`edgeMargin must be at most 0.5 (half the side), got ${edgeMargin}`);
  const categories: Record<string, CategoryPolicy> = {};
  if (v.categories !== undefined) {
    if (!isObject(v.categories)) throw new DecisionConfigError('categories must be an object mapping a category name to its policy');
    for (const [name, p] of Object.entries(v.categories)) categories[name] = parseCategoryPolicy(p, `categories.${name}`);
  }
  return { schema: SEVERITY_SCHEMA, cellThreshold, edgeMargin, default: parseCategoryPolicy(v.default, 'default'), categories };
}
