/**
 * Auto-escaping HTML templates: every interpolated value is escaped unless it is already
 * {@link SafeHtml} (built by this module). Arrays are joined. null/undefined/false render nothing.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeText(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

type Piece = SafeHtml | string | number | boolean | null | undefined | readonly Piece[];

function render(value: Piece): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeText(value);
}

/** Tagged template: `html\`<p>${userText}</p>\`` escapes userText. */
export function html(strings: TemplateStringsArray, ...values: Piece[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/** Markup that is trusted as is (our own SVG charts, already-escaped fragments). */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * A `<script type="application/json">` data island: JSON the page's script reads, never executed.
 * `<`, `>` and `&` are written as \u escapes so no value can close the element or open a comment.
 */
export function jsonIsland(id: string, value: unknown): SafeHtml {
  const json = JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return html`<script type="application/json" id="${id}">${trusted(json)}</script>`;
}
