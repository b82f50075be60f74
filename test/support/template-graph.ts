/**
 * Dependency-cycle detection over a synthesized CloudFormation template: edges from Ref, Fn::GetAtt, Fn::Sub
 * references and DependsOn. Returns one cycle as a list of logical ids, or undefined when the graph is acyclic.
 */
export function findCycle(template: { Resources?: Record<string, any> }): string[] | undefined {
  const resources = template.Resources ?? {};
  const edges = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(resources)) {
    const deps = new Set<string>();
    collectRefs(resource.Properties, deps);
    for (const d of [resource.DependsOn ?? []].flat()) deps.add(d);
    edges.set(id, new Set([...deps].filter(d => d in resources)));
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

function collectRefs(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach(v => collectRefs(v, out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') {out.add(v);} else if (k === 'Fn::GetAtt') {out.add(Array.isArray(v) ? v[0] : String(v).split('.')[0]);} else if (k === 'Fn::Sub') {
        const text = Array.isArray(v) ? v[0] : v;
        for (const m of String(text).matchAll(/\$\{([A-Za-z0-9]+)(\.[^}]*)?\}/g)) out.add(m[1]);
        if (Array.isArray(v)) collectRefs(v[1], out);
      } else {collectRefs(v, out);}
    }
  }
}
