// What the profiling scripts (profile-change.mjs, redteam-fid26-profile.mjs) read from a CPU profile.

/**
 * Self and inclusive sampled ms per function (name:line) of a CPU profile; with `within` ([from, to]
 * in the profile's clock, µs, which trace events share), only the samples taken in that span.
 */
export function functions(profile, within = null) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const incl = new Map();
  const name = (n) => `${n.callFrame.functionName || '(anon)'}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
  let ts = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    ts += profile.timeDeltas[i];
    if (within && (ts < within[0] || ts > within[1])) continue;
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const n = nodes.get(profile.samples[i]);
    self.set(name(n), (self.get(name(n)) ?? 0) + dt);
    const seen = new Set();
    for (let id = n.id; id !== undefined; id = parent.get(id)) {
      const k = name(nodes.get(id));
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + dt);
    }
  }
  return { self, incl };
}
