// The decision report's words in English and French, and number formatting per locale (fr: decimal comma, "11,1 %").
// Numbers arrive already computed; this file only says them.

export const REPORT_LOCALES = ['en', 'fr'] as const;
export type ReportLocale = (typeof REPORT_LOCALES)[number];

/** Fixed decimals with the locale's separator; NaN and infinities spelled out. A plain space before % in both
 *  locales (greppable; French typography would use a narrow no-break space). */
export function formatNumber(value: number, locale: ReportLocale, digits = 3): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+∞' : '-∞';
  const s = value.toFixed(digits);
  return locale === 'fr' ? s.replace('.', ',') : s;
}

/** A fraction as a signed percentage: 0.1111 → "+11.1 %" (en) / "+11,1 %" (fr). */
export function formatPercent(fraction: number | null, locale: ReportLocale, digits = 1, signed = true): string {
  if (fraction === null) return locale === 'fr' ? 'n.d.' : 'n/a';
  const pct = fraction * 100;
  const magnitude = Math.abs(pct);
  // No sign on what rounds to zero ("0.0 %", never "+0.0 %" or "-0.0 %").
  const sign = Number(magnitude.toFixed(digits)) === 0 ? '' : pct < 0 ? '-' : signed ? '+' : '';
  const body = formatNumber(magnitude, locale, digits);
  return `${sign}${body} %`;
}

export interface ReportWords {
  readonly title: (model: string, version: number, stage: string) => string;
  readonly headings: {
    readonly objective: string;
    readonly constraints: string;
    readonly candidate: string;
    readonly comparison: string;
    readonly observations: string;
    readonly risks: string;
    readonly decision: string;
    readonly nextSteps: string;
  };
  readonly defaultObjective: (model: string, stage: string, metric: string) => string;
  readonly none: string;
  readonly vs: string;
  readonly policyEvaluation: (dataset: string, metric: string, compare: boolean, floor: string | null, settings: string) => string;
  readonly policyMinStaging: (hours: string) => string;
  readonly candidateRun: (runName: string, shortId: string, version: number) => string;
  readonly keyParams: string;
  readonly metricTableHeader: string;
  readonly evaluationLine: (shortId: string, runName: string, dataset: string, digest: string, settings: string, metrics: string) => string;
  readonly operatingPoint: (conf: string, p: string, r: string, f1: string) => string;
  readonly f1Optimal: (conf: string, p: string, r: string, f1: string) => string;
  readonly noEvaluation: string;
  readonly gridIntro: (metric: string, aggregation: string, n: number, noise: string | null) => string;
  readonly paramTableHeader: string;
  readonly notSet: string;
  readonly change: (key: string, to: string, from: string, pct: string, meanTo: string, meanFrom: string) => string;
  readonly significant: (threshold: string) => string;
  readonly notSignificant: (threshold: string) => string;
  readonly noNoiseEstimate: string;
  readonly repeatParam: (key: string) => string;
  readonly bestValue: (value: string) => string;
  readonly outsideGrid: (runs: string) => string;
  readonly offGridValue: (param: string, value: string) => string;
  readonly offGridMissing: (param: string) => string;
  readonly holes: (holes: string) => string;
  readonly noHoles: string;
  readonly noGrid: string;
  readonly seedVariance: (std: string, groups: number, maxRange: string, threshold: string) => string;
  readonly noRepeats: string;
  readonly withinNoise: (params: string) => string;
  readonly stillImproving: (rising: number, total: number, meanChange: string) => string;
  readonly converged: (total: number, meanChange: string) => string;
  readonly lowPrecisionExplained: (p: string, conf: string, optConf: string, optP: string, optR: string, optF1: string) => string;
  readonly lowPrecisionUnexplained: (p: string, conf: string) => string;
  readonly candidateIsBest: (metric: string, value: string) => string;
  readonly candidateNotBest: (bestRun: string, bestValue: string, candidateValue: string) => string;
  readonly riskHeader: string;
  readonly riskWithinNoise: (params: string) => string;
  readonly mitigationMoreSeeds: string;
  readonly riskFewRepeats: (df: number) => string;
  readonly mitigationFewRepeats: string;
  readonly riskUndertrained: string;
  readonly mitigationUndertrained: string;
  readonly riskThreshold: (conf: string) => string;
  readonly mitigationThreshold: (conf: string) => string;
  readonly riskTrainEqualsEval: (dataset: string) => string;
  readonly mitigationTrainEqualsEval: string;
  readonly riskGiven: string;
  readonly verdictPromote: (version: number, stage: string) => string;
  readonly verdictBlocked: (version: number, stage: string) => string;
  readonly verdictNoGates: (version: number, stage: string) => string;
  readonly justification: string;
  readonly alternatives: string;
  readonly gatesHeader: string;
  readonly gatePassed: string;
  readonly gateFailed: string;
  readonly gateLine: (name: string, status: string, message: string) => string;
  readonly noDecision: string;
  readonly nextTrainLonger: string;
  readonly nextMoreSeeds: (params: string) => string;
  readonly nextSetThreshold: (conf: string) => string;
  readonly nextHeldOut: string;
}

const en: ReportWords = {
  title: (m, v, s) => `Promotion report: ${m} version ${v} → ${s}`,
  headings: {
    objective: 'Objective',
    constraints: 'Constraints',
    candidate: 'Candidate',
    comparison: 'Comparison per parameter',
    observations: 'General observations',
    risks: 'Risks and mitigations',
    decision: 'Decision',
    nextSteps: 'Next steps',
  },
  defaultObjective: (m, s, metric) => `Choose the version of ${m} to move to ${s}, on ${metric}.`,
  none: 'None.',
  vs: 'vs',
  policyEvaluation: (d, metric, compare, floor, settings) =>
    `An evaluation of the version on ${d} (full, unfiltered) with ${metric}` +
    (compare ? ` ≥ that of the PRODUCTION version on the same dataset digest and settings (${settings})` : '') +
    (floor !== null ? `${compare ? '; otherwise' : ''} ≥ ${floor}` : '') +
    '.',
  policyMinStaging: (h) => `At least ${h} h in STAGING.`,
  candidateRun: (name, id, v) => `Run **${name}** (\`${id}\`), registered as version ${v}.`,
  keyParams: 'Key parameters:',
  metricTableHeader: '| metric | last | step | max | step |',
  evaluationLine: (id, name, d, digest, settings, metrics) => `Evaluation \`${id}\` (${name}) on ${d} (digest ${digest}; ${settings}): ${metrics}.`,
  operatingPoint: (c, p, r, f) => `At the evaluation's confidence threshold ${c}: P ${p}, R ${r}, F1 ${f}.`,
  f1Optimal: (c, p, r, f) => `At the F1-optimal confidence threshold ${c}: P ${p}, R ${r}, F1 ${f}.`,
  noEvaluation: 'No evaluation run was given.',
  gridIntro: (metric, agg, n, noise) => `${metric} (${agg}) over ${n} grid runs` + (noise ? `; noise floor (std across seeds) ${noise}.` : '; no repeated runs, so no noise floor.'),
  paramTableHeader: '| parameter | value | mean | std | n |',
  notSet: '(not set)',
  change: (key, to, from, pct, mt, mf) => `${key} ${to} vs ${from}: ${pct} (${mt} vs ${mf})`,
  significant: (t) => `significant (≥ 2 × noise std = ${t})`,
  notSignificant: (t) => `not significant (< 2 × noise std = ${t})`,
  noNoiseEstimate: 'significance unknown (no noise estimate)',
  repeatParam: (k) => `${k} is a repeat parameter: its spread is the noise floor, not an effect`,
  bestValue: (v) => `best: ${v}`,
  outsideGrid: (runs) => `Runs outside the grid (left out of the means): ${runs}.`,
  offGridValue: (p, v) => `${p}=${v} tried at a single point`,
  offGridMissing: (p) => `no ${p} param`,
  holes: (h) => `Grid holes (combinations with no run): ${h}.`,
  noHoles: 'Grid holes: none.',
  noGrid: 'No grid analysis was given.',
  seedVariance: (std, g, range, t) =>
    `Seed variance: runs that differ only in the seed spread with std ${std} (pooled over ${g} groups; relative range up to ${range}); effects below ${t} (2 × std) are within noise.`,
  noRepeats: 'No runs repeat a configuration with another seed: the noise floor is unknown and no effect can be called significant.',
  withinNoise: (ps) => `Within noise: ${ps}.`,
  stillImproving: (r, t, c) => `Convergence: ${r} of ${t} runs were still improving at the last epoch (mean change over the last epoch ${c}).`,
  converged: (t, c) => `Convergence: all ${t} runs had levelled off at the last epoch (mean change over the last epoch ${c}).`,
  lowPrecisionExplained: (p, c, oc, op, or, of) =>
    `Low precision (${p}) is explained by the confidence threshold ${c}, which keeps nearly every detection (as mAP needs); at the F1-optimal threshold ${oc}: P ${op}, R ${or}, F1 ${of}.`,
  lowPrecisionUnexplained: (p, c) => `Precision is low (${p} at confidence ${c}) and raising the threshold does not fix it.`,
  candidateIsBest: (m, v) => `The candidate is the best grid run on ${m} (${v}).`,
  candidateNotBest: (b, bv, cv) => `The candidate (${cv}) is not the best grid run: ${b} (${bv}).`,
  riskHeader: '| risk | mitigation |',
  riskWithinNoise: (ps) => `The choice of ${ps} rests on an effect within seed noise.`,
  mitigationMoreSeeds: 'Repeat the configurations with more seeds before relying on the difference.',
  riskFewRepeats: (df) => `The noise floor rests on ${df} degree(s) of freedom.`,
  mitigationFewRepeats: 'Add seeds to narrow the noise estimate.',
  riskUndertrained: 'The model was still improving when training stopped (under-trained).',
  mitigationUndertrained: 'Train for more epochs and re-evaluate before the next promotion.',
  riskThreshold: (c) => `Served with the evaluation threshold (${c}), the model would emit many false positives.`,
  mitigationThreshold: (c) => `Serve with the F1-optimal confidence threshold ${c}.`,
  riskTrainEqualsEval: (d) => `The evaluation dataset (${d}) is also the training data: scores are optimistic.`,
  mitigationTrainEqualsEval: 'Evaluate on a held-out set before relying on the absolute numbers.',
  riskGiven: 'Stated in the decision',
  verdictPromote: (v, s) => `Promote version ${v} to ${s}: every gate passes.`,
  verdictBlocked: (v, s) => `Do not promote version ${v} to ${s} yet: some gates are unmet.`,
  verdictNoGates: (v, s) => `Promote version ${v} to ${s} (no gates apply).`,
  justification: 'Justification:',
  alternatives: 'Alternatives considered:',
  gatesHeader: 'Gates:',
  gatePassed: 'passed',
  gateFailed: 'unmet',
  gateLine: (n, st, m) => `${n} (${st}): ${m}`,
  noDecision: 'No written decision yet.',
  nextTrainLonger: 'Train longer (more epochs) and compare with this version.',
  nextMoreSeeds: (ps) => `Run more seeds to settle ${ps}.`,
  nextSetThreshold: (c) => `Set the serving confidence threshold to ${c}.`,
  nextHeldOut: 'Evaluate on a held-out dataset.',
};

const fr: ReportWords = {
  title: (m, v, s) => `Rapport de promotion : ${m} version ${v} → ${s}`,
  headings: {
    objective: 'Objectif',
    constraints: 'Contraintes',
    candidate: 'Candidat',
    comparison: 'Comparaison par paramètre',
    observations: 'Observations générales',
    risks: 'Risques et parades',
    decision: 'Décision',
    nextSteps: 'Prochaines étapes',
  },
  defaultObjective: (m, s, metric) => `Choisir la version de ${m} à passer en ${s}, selon ${metric}.`,
  none: 'Aucune.',
  vs: 'contre',
  policyEvaluation: (d, metric, compare, floor, settings) =>
    `Une évaluation de la version sur ${d} (complet, sans filtre) avec ${metric}` +
    (compare ? ` ≥ celui de la version en PRODUCTION sur le même condensé de jeu de données et les mêmes réglages (${settings})` : '') +
    (floor !== null ? `${compare ? ' ; à défaut' : ''} ≥ ${floor}` : '') +
    '.',
  policyMinStaging: (h) => `Au moins ${h} h en STAGING.`,
  candidateRun: (name, id, v) => `Run **${name}** (\`${id}\`), enregistré comme version ${v}.`,
  keyParams: 'Paramètres clés :',
  metricTableHeader: '| métrique | dernière | étape | max | étape |',
  evaluationLine: (id, name, d, digest, settings, metrics) => `Évaluation \`${id}\` (${name}) sur ${d} (condensé ${digest} ; ${settings}) : ${metrics}.`,
  operatingPoint: (c, p, r, f) => `Au seuil de confiance de l'évaluation ${c} : P ${p}, R ${r}, F1 ${f}.`,
  f1Optimal: (c, p, r, f) => `Au seuil de confiance optimal pour F1 ${c} : P ${p}, R ${r}, F1 ${f}.`,
  noEvaluation: "Aucune évaluation n'a été fournie.",
  gridIntro: (metric, agg, n, noise) =>
    `${metric} (${agg}) sur ${n} runs de la grille` + (noise ? ` ; plancher de bruit (écart-type entre graines) ${noise}.` : ' ; aucun run répété, donc pas de plancher de bruit.'),
  paramTableHeader: '| paramètre | valeur | moyenne | écart-type | n |',
  notSet: '(absent)',
  change: (key, to, from, pct, mt, mf) => `${key} ${to} contre ${from} : ${pct} (${mt} contre ${mf})`,
  significant: (t) => `significatif (≥ 2 × écart-type du bruit = ${t})`,
  notSignificant: (t) => `non significatif (< 2 × écart-type du bruit = ${t})`,
  noNoiseEstimate: 'significativité inconnue (pas d’estimation du bruit)',
  repeatParam: (k) => `${k} est un paramètre de répétition : sa dispersion est le plancher de bruit, pas un effet`,
  bestValue: (v) => `meilleure valeur : ${v}`,
  outsideGrid: (runs) => `Runs hors grille (exclus des moyennes) : ${runs}.`,
  offGridValue: (p, v) => `${p}=${v} essayé en un seul point`,
  offGridMissing: (p) => `pas de paramètre ${p}`,
  holes: (h) => `Trous de la grille (combinaisons sans run) : ${h}.`,
  noHoles: 'Trous de la grille : aucun.',
  noGrid: "Aucune analyse de grille n'a été fournie.",
  seedVariance: (std, g, range, t) =>
    `Variance entre graines : les runs qui ne diffèrent que par la graine s'écartent avec un écart-type de ${std} (regroupé sur ${g} groupes ; étendue relative jusqu'à ${range}) ; un effet inférieur à ${t} (2 × écart-type) est dans le bruit.`,
  noRepeats: 'Aucune configuration n’est répétée avec une autre graine : le plancher de bruit est inconnu et aucun effet ne peut être dit significatif.',
  withinNoise: (ps) => `Dans le bruit : ${ps}.`,
  stillImproving: (r, t, c) => `Convergence : ${r} runs sur ${t} progressaient encore à la dernière époque (variation moyenne sur la dernière époque ${c}).`,
  converged: (t, c) => `Convergence : les ${t} runs s'étaient stabilisés à la dernière époque (variation moyenne sur la dernière époque ${c}).`,
  lowPrecisionExplained: (p, c, oc, op, or, of) =>
    `La précision basse (${p}) s'explique par le seuil de confiance ${c}, qui garde presque toutes les détections (comme le calcul du mAP l'exige) ; au seuil optimal pour F1 ${oc} : P ${op}, R ${or}, F1 ${of}.`,
  lowPrecisionUnexplained: (p, c) => `La précision est basse (${p} au seuil ${c}) et relever le seuil ne la corrige pas.`,
  candidateIsBest: (m, v) => `Le candidat est le meilleur run de la grille selon ${m} (${v}).`,
  candidateNotBest: (b, bv, cv) => `Le candidat (${cv}) n'est pas le meilleur run de la grille : ${b} (${bv}).`,
  riskHeader: '| risque | parade |',
  riskWithinNoise: (ps) => `Le choix de ${ps} repose sur un effet inférieur au bruit entre graines.`,
  mitigationMoreSeeds: "Répéter les configurations avec plus de graines avant de s'appuyer sur l'écart.",
  riskFewRepeats: (df) => `Le plancher de bruit repose sur ${df} degré(s) de liberté.`,
  mitigationFewRepeats: "Ajouter des graines pour resserrer l'estimation du bruit.",
  riskUndertrained: "Le modèle progressait encore à l'arrêt de l'entraînement (sous-entraîné).",
  mitigationUndertrained: 'Entraîner plus d’époques et réévaluer avant la prochaine promotion.',
  riskThreshold: (c) => `Servi au seuil de l'évaluation (${c}), le modèle produirait beaucoup de faux positifs.`,
  mitigationThreshold: (c) => `Servir avec le seuil de confiance optimal pour F1, ${c}.`,
  riskTrainEqualsEval: (d) => `Le jeu d'évaluation (${d}) est aussi celui d'entraînement : les scores sont optimistes.`,
  mitigationTrainEqualsEval: 'Évaluer sur un jeu réservé avant de se fier aux valeurs absolues.',
  riskGiven: 'Indiqué dans la décision',
  verdictPromote: (v, s) => `Promouvoir la version ${v} en ${s} : toutes les conditions sont remplies.`,
  verdictBlocked: (v, s) => `Ne pas encore promouvoir la version ${v} en ${s} : des conditions ne sont pas remplies.`,
  verdictNoGates: (v, s) => `Promouvoir la version ${v} en ${s} (aucune condition ne s'applique).`,
  justification: 'Justification :',
  alternatives: 'Alternatives envisagées :',
  gatesHeader: 'Conditions :',
  gatePassed: 'remplie',
  gateFailed: 'non remplie',
  gateLine: (n, st, m) => `${n} (${st}) : ${m}`,
  noDecision: 'Pas encore de décision écrite.',
  nextTrainLonger: 'Entraîner plus longtemps (plus d’époques) et comparer à cette version.',
  nextMoreSeeds: (ps) => `Lancer plus de graines pour trancher ${ps}.`,
  nextSetThreshold: (c) => `Régler le seuil de confiance en service à ${c}.`,
  nextHeldOut: 'Évaluer sur un jeu de données réservé.',
};

export const REPORT_WORDS: Readonly<Record<ReportLocale, ReportWords>> = { en, fr };
