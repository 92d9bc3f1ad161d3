/** Escaping of untrusted text for the report formats. */

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

/**
 * Escape text for inline Markdown: backslash-escapes the punctuation that CommonMark would turn
 * into markup (emphasis, links, code, raw HTML, table cells), and folds newlines into spaces.
 */
export function escapeMarkdown(value: unknown): string {
  return String(value ?? '')
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_[\]<>|#!{}]/g, (c) => `\\${c}`);
}

/** A URL safe to put in an href: only absolute http(s) URLs, anything else gives null. */
export function safeHttpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password) return null;
    return url.toString();
  } catch {
    return null;
  }
}
