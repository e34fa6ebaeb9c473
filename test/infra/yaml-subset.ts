/**
 * Reads the YAML subset that `azure.yaml` uses: nested mappings of plain or quoted scalars, and comments.
 * Sequences, anchors and multi-line scalars throw, so a file this reader cannot follow fails the checks
 * instead of being half-read.
 */

export type YamlMap = { [key: string]: string | YamlMap };

const LINE = /^(?<indent> *)(?<key>[A-Za-z0-9_.-]+):(?: +(?<value>.*))?$/;

function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === "#" && (i === 0 || line[i - 1] === " ")) {
      return line.slice(0, i);
    }
  }
  return line;
}

function scalar(raw: string): string {
  const value = raw.trim();
  if (/^(["']).*\1$/.test(value)) return value.slice(1, -1);
  if (/^[|>&*!\-[{]/.test(value)) throw new Error(`unsupported YAML value: ${value}`);
  return value;
}

export function parseYamlMappings(text: string): YamlMap {
  const root: YamlMap = {};
  const stack: { indent: number; map: YamlMap }[] = [{ indent: -1, map: root }];
  for (const [index, original] of text.split(/\r?\n/).entries()) {
    const line = stripComment(original).replace(/\s+$/, "");
    if (line.trim() === "") continue;
    const match = LINE.exec(line);
    if (!match?.groups) throw new Error(`line ${index + 1}: unsupported YAML: ${original.trim()}`);
    const indent = match.groups.indent?.length ?? 0;
    const key = match.groups.key ?? "";
    while ((stack[stack.length - 1]?.indent ?? -1) >= indent) stack.pop();
    const parent = stack[stack.length - 1]?.map;
    if (!parent) throw new Error(`line ${index + 1}: bad indentation`);
    if (Object.hasOwn(parent, key)) throw new Error(`line ${index + 1}: duplicate key ${key}`);
    const value = match.groups.value;
    if (value === undefined || value === "") {
      const child: YamlMap = {};
      parent[key] = child;
      stack.push({ indent, map: child });
    } else {
      parent[key] = scalar(value);
    }
  }
  return root;
}

/** The value at a dotted path, if every step is a mapping. */
export function yamlAt(map: YamlMap | undefined, path: string): string | YamlMap | undefined {
  let current: string | YamlMap | undefined = map;
  for (const key of path.split(".")) {
    if (current === undefined || typeof current === "string") return undefined;
    current = current[key];
  }
  return current;
}
