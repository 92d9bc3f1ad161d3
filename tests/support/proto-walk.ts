/**
 * A generic walk over decoded Temporal API messages (protobufjs objects, as the client returns
 * histories and query answers): every nested message, array element and map entry is visited,
 * with its path, and messages are told apart by their protobuf type name, so no event type or
 * attribute is picked by hand.
 */
export interface Visit {
  /** e.g. `events[12].upsertWorkflowSearchAttributesEventAttributes.searchAttributes.indexedFields.LanterneAthlete` */
  path: string;
  /** Full protobuf type of the node, e.g. `temporal.api.common.v1.Payload`; null for plain values. */
  type: string | null;
  node: unknown;
}

export const PAYLOAD = 'temporal.api.common.v1.Payload';
export const FAILURE = 'temporal.api.failure.v1.Failure';

function typeName(node: unknown): string | null {
  const name = (node as { $type?: { fullName?: string } } | null)?.$type?.fullName;
  return typeof name === 'string' ? name.replace(/^\./, '') : null;
}

/**
 * Calls `visit` for every node under `root`. When it returns 'skip', the node's children are not
 * visited (e.g. a Payload's bytes).
 */
export function walk(root: unknown, visit: (v: Visit) => void | 'skip', path = ''): void {
  if (visit({ path, type: typeName(root), node: root }) === 'skip') return;
  if (root === null || typeof root !== 'object' || root instanceof Uint8Array) return;
  if (Array.isArray(root)) {
    root.forEach((v, i) => walk(v, visit, `${path}[${i}]`));
    return;
  }
  for (const [k, v] of Object.entries(root)) {
    if (v === undefined || v === null) continue;
    walk(v, visit, path ? `${path}.${k}` : k);
  }
}
