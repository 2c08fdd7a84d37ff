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

process.stdout.write(`${JSON.stringify({ overall: figures(null), renders: figures('renders'), logical: figures('logical') }, null, 1)}\n`);
