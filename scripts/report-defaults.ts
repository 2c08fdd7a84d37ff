// What the shipped default thresholds do on a labelled set no choice touched (the report split,
// scripts/calibrate-defaults.sh): per set (renders, logical) and overall, the fused score's
// ROC-AUC beside each single input's, the share of good items sidelined and of damaged ones caught.
// usage: npx tsx scripts/report-defaults.ts <scores.jsonl> <labels.csv>
import { readFileSync } from 'node:fs';
import { clopperPearsonInterval } from '../src/lib/core/decision/stats.ts';
import { operatingPoints, rocAuc } from '../src/lib/core/decision/roc.ts';
import { joinScoresAndLabels, parseLabelsCsv, parseScoreLines } from '../src/lib/core/decision/labelled-data.ts';

const [scoresPath, labelsPath] = process.argv.slice(2);
const scores = parseScoreLines(readFileSync(scoresPath, 'utf8'));
const lines = new Map(readFileSync(scoresPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((l) => [l.image, l]));
const { checks } = joinScoresAndLabels(scores, parseLabelsCsv(readFileSync(labelsPath, 'utf8')));
const round = (x: number) => Number(x.toFixed(3));

function figures(set: string | null) {
  const xs = checks.filter((c) => set === null || c.set === set);
  const line = (id: string) => lines.get(id)!;
  const auc = (score: (id: string) => number | null) => round(rocAuc(operatingPoints(xs.map((c) => ({ score: score(c.id) ?? -1, damaged: c.damaged })))));
  const good = xs.filter((c) => !c.damaged), damaged = xs.filter((c) => c.damaged);
  const sidelined = good.filter((c) => line(c.id).verdict === 'sideline').length;
  const caught = damaged.filter((c) => line(c.id).verdict === 'sideline').length;
  return {
    good: good.length,
    damaged: damaged.length,
    rocAuc: { fused: auc((id) => line(id).score), damage: auc((id) => line(id).damage), anomaly: auc((id) => line(id).anomaly) },
    goodSidelined: { rate: round(sidelined / good.length), ci95: clopperPearsonInterval(sidelined, good.length).map(round) },
    damagedCaught: { rate: round(caught / damaged.length), ci95: clopperPearsonInterval(caught, damaged.length).map(round) },
  };
}

/**
 * The damage model on renders drawn over real photos (render-calibration-set.py names them
 * "-real-"), against real intact photos (those renders left intact, and the untouched photos):
 * ROC-AUC, and the recall at the score that sidelines 1 % of the real intact photos.
 */
function realCanvas() {
  const real = checks.filter((c) => /-real-/.test(c.id) || /\/photo\//.test(c.id)).filter((c) => !/-decoy\./.test(c.id));
  const damage = (id: string) => lines.get(id)!.damage as number;
  const intact = real.filter((c) => !c.damaged).map((c) => damage(c.id)).sort((a, b) => b - a);
  const threshold = intact[Math.floor(0.01 * intact.length)];
  const damaged = real.filter((c) => c.damaged);
  return {
    damaged: damaged.length,
    realIntact: intact.length,
    damageRocAuc: round(rocAuc(operatingPoints(real.map((c) => ({ score: damage(c.id), damaged: c.damaged }))))),
    recallAt1PctRealIntactSidelined: round(damaged.filter((c) => damage(c.id) > threshold).length / damaged.length),
  };
}

process.stdout.write(`${JSON.stringify({ overall: figures(null), renders: figures('renders'), logical: figures('logical'), damageOnRealPhotos: realCanvas() }, null, 1)}\n`);
