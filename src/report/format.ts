// Number, size and duration formatting shared by the report renderers (markdown, html) and the CLI
// progress display. Pure and locale-independent: the same summary always renders to the same bytes,
// whatever the machine's locale or time zone.

/** 1234567 → "1,234,567"; non-integers keep one decimal ("12.5"). */
export function formatInt(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const neg = n < 0;
  const abs = Math.abs(n);
  const whole = Math.floor(abs);
  const frac = abs - whole;
  const grouped = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const tail = frac >= 0.05 && whole < 1000 ? `.${Math.round(frac * 10) % 10}` : '';
  return `${neg ? '-' : ''}${grouped}${tail}`;
}

/** Compact count for narrow displays: 950, 12.3k, 4.56M, 1.2G. */
export function formatCompact(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const abs = Math.abs(n);
  const units: readonly [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, unit] of units) {
    if (abs >= size) {
      const v = n / size;
      return `${Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2)}${unit}`;
    }
  }
  return String(Math.round(n));
}

/** Bytes as decimal megabytes with two decimals: 1_234_567 → "1.23". */
export function formatMB(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  const mb = bytes / 1e6;
  return mb >= 1000 ? formatInt(Math.round(mb)) : mb.toFixed(2);
}

/** Bytes with a unit: "512 B", "12.3 kB", "4.56 MB", "1.20 GB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  if (Math.abs(bytes) < 1000) return `${Math.round(bytes)} B`;
  const c = formatCompact(bytes);
  return `${c.slice(0, -1)} ${c.slice(-1) === 'k' ? 'kB' : `${c.slice(-1)}B`}`;
}

/** Milliseconds for people: "850 ms", "12.4 s", "3m 05s", "2h 03m". */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalS = Math.round(ms / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s).padStart(2, '0')}s`;
}

/** Rows per second, or "–" when unknown. */
export function formatRate(rowsPerSecond: number | null): string {
  return rowsPerSecond === null ? '–' : formatInt(Math.round(rowsPerSecond));
}
