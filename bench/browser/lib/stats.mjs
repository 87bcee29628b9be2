// Small statistics over runs: median and spread (min, max, interquartile).
export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export function summary(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return { n: 0, median: null, min: null, max: null, q1: null, q3: null };
  const q = (p) => v[Math.min(v.length - 1, Math.round(p * (v.length - 1)))];
  return { n: v.length, median: median(v), min: v[0], max: v[v.length - 1], q1: q(0.25), q3: q(0.75) };
}
