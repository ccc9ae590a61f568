import type { WorkflowDefinition } from './definition.js';

/**
 * A Mermaid state diagram read from the machine itself (not written by hand), so it cannot drift
 * from what the engine runs. States show their German label; edges show event types.
 */
export function mermaidDiagram(definition: WorkflowDefinition): string {
  const { machine } = definition;
  const lines = ['stateDiagram-v2'];
  const states = Object.entries(machine.root.states);
  for (const [id] of states) {
    const label = definition.states[id]?.de ?? id;
    lines.push(`  state "${label.replace(/"/g, "'")}" as ${id}`);
  }
  const initial = machine.root.initial?.target?.[0]?.key;
  if (initial) lines.push(`  [*] --> ${initial}`);
  for (const [id, node] of states) {
    const edges = new Set<string>();
    for (const [type, transitions] of node.transitions) {
      for (const t of transitions) {
        const targets = t.target?.map((n) => n.key) ?? [id];
        for (const target of targets) edges.add(`  ${id} --> ${target} : ${type}`);
      }
    }
    lines.push(...edges);
    if (node.type === 'final') lines.push(`  ${id} --> [*]`);
  }
  return `${lines.join('\n')}\n`;
}
