/**
 * A few SVG primitives shared by the plots. Plots are pure functions of statistics results → SVG text, so they
 * can be unit-tested as XML and served without a browser. Every coordinate written goes through `num`, which
 * refuses non-finite numbers: a NaN in a path would silently blank the picture.
 */

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface Scale {
  (value: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', '#7f7f7f'] as const;

export function colour(i: number): string {
  return PALETTE[i % PALETTE.length] as string;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

/** A coordinate or length, rounded to 0.01 px; throws on NaN/Infinity so a broken input cannot render blank. */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`non-finite SVG coordinate: ${value}`);
  return String(Math.round(value * 100) / 100);
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const f = ((v: number) => r0 + ((v - d0) / span) * (r1 - r0)) as Scale;
  return Object.assign(f, { domain, range });
}

/** "Nice" tick values (1, 2, 5 × 10^k steps) covering [min, max], as d3's ticks. */
export function niceTicks(min: number, max: number, count = 6): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const first = Math.ceil(min / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= max + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return ticks;
}

/** Extends [min, max] to nice tick boundaries (with a little room when the range is empty). */
export function niceDomain(min: number, max: number, count = 6): [number, number] {
  if (min === max) return [min - 1, max + 1];
  const ticks = niceTicks(min, max, count);
  const step = ticks.length > 1 ? (ticks[1] as number) - (ticks[0] as number) : Math.abs(max - min);
  return [Math.min(min, Math.floor(min / step) * step), Math.max(max, Math.ceil(max / step) * step)];
}

export function formatTick(v: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e5 || abs < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(6)));
}

export function text(x: number, y: number, content: string, attrs: Record<string, string | number> = {}): string {
  const extra = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : escapeXml(v)}"`)
    .join('');
  return `<text x="${num(x)}" y="${num(y)}"${extra}>${escapeXml(content)}</text>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, attrs: Record<string, string | number> = {}): string {
  const extra = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : escapeXml(v)}"`)
    .join('');
  return `<line x1="${num(x1)}" y1="${num(y1)}" x2="${num(x2)}" y2="${num(y2)}"${extra}/>`;
}

export function polyline(points: readonly (readonly [number, number])[]): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${num(x)},${num(y)}`).join(' ');
}

export interface AxisOptions {
  readonly label: string;
  readonly ticks?: readonly number[];
  readonly tickLabel?: (v: number) => string;
}

/** Bottom x axis and left y axis with ticks, grid lines and labels, classed for tests and styling. */
export function axes(box: Box, x: Scale, y: Scale, xAxis: AxisOptions, yAxis: AxisOptions): string {
  const bottom = box.top + box.height;
  const right = box.left + box.width;
  const xTicks = xAxis.ticks ?? niceTicks(x.domain[0], x.domain[1]);
  const yTicks = yAxis.ticks ?? niceTicks(y.domain[0], y.domain[1]);
  const xl = xAxis.tickLabel ?? formatTick;
  const yl = yAxis.tickLabel ?? formatTick;
  const parts: string[] = [];
  parts.push(`<g class="grid" stroke="#e6e6e6" stroke-width="1">`);
  for (const t of yTicks) parts.push(line(box.left, y(t), right, y(t)));
  parts.push('</g>');
  parts.push(`<g class="axis x-axis" font-size="12" fill="#333" text-anchor="middle">`);
  parts.push(line(box.left, bottom, right, bottom, { stroke: '#333' }));
  for (const t of xTicks) {
    parts.push(line(x(t), bottom, x(t), bottom + 5, { stroke: '#333', class: 'tick' }));
    parts.push(text(x(t), bottom + 18, xl(t), { class: 'tick-label' }));
  }
  parts.push(text(box.left + box.width / 2, bottom + 38, xAxis.label, { class: 'axis-label', 'font-size': 13 }));
  parts.push('</g>');
  parts.push(`<g class="axis y-axis" font-size="12" fill="#333" text-anchor="end">`);
  parts.push(line(box.left, box.top, box.left, bottom, { stroke: '#333' }));
  for (const t of yTicks) {
    parts.push(line(box.left - 5, y(t), box.left, y(t), { stroke: '#333', class: 'tick' }));
    parts.push(text(box.left - 8, y(t) + 4, yl(t), { class: 'tick-label' }));
  }
  const cy = box.top + box.height / 2;
  parts.push(
    `<text class="axis-label" font-size="13" text-anchor="middle" transform="rotate(-90 ${num(box.left - 52)} ${num(cy)})" x="${num(box.left - 52)}" y="${num(cy)}">${escapeXml(yAxis.label)}</text>`,
  );
  parts.push('</g>');
  return parts.join('');
}

export function legend(x: number, y: number, entries: readonly { label: string; colour: string }[]): string {
  const rows = entries.map(
    (e, i) =>
      `<g class="legend-entry">${line(x, y + i * 18, x + 22, y + i * 18, { stroke: e.colour, 'stroke-width': 2.5 })}${text(x + 28, y + i * 18 + 4, e.label, { 'font-size': 12 })}</g>`,
  );
  return `<g class="legend" fill="#333">${rows.join('')}</g>`;
}

export function document(width: number, height: number, title: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" role="img" font-family="Helvetica, Arial, sans-serif">` +
    `<title>${escapeXml(title)}</title>` +
    `<rect class="background" x="0" y="0" width="${num(width)}" height="${num(height)}" fill="#ffffff"/>` +
    text(width / 2, 24, title, { class: 'title', 'font-size': 16, 'font-weight': 'bold', 'text-anchor': 'middle', fill: '#222' }) +
    body +
    `</svg>`
  );
}
