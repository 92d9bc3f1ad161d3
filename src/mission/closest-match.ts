/** Levenshtein edit distance between two strings (insert, delete, substitute; each costs 1). */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The candidate closest to `word` (case-insensitive), or null when nothing is close enough to be a
 * plausible typo: at most a third of the word's length in edits (at least 1, at most 3), or one
 * candidate that starts with / is contained in the word.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | null {
  const w = word.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = levenshtein(w, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === null) return null;
  const allowed = Math.min(3, Math.max(1, Math.floor(w.length / 3)));
  if (bestDistance <= allowed) return best;
  const prefixed = candidates.filter((c) => w.length >= 3 && (c.toLowerCase().startsWith(w) || w.startsWith(c.toLowerCase())));
  return prefixed.length === 1 ? prefixed[0] : null;
}
