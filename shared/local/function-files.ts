import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * The files the Functions host would load: package.json `main`, a path or a `dir/*.ext` glob
 * (the only glob form this project uses), resolved against the project root.
 */
export function functionFiles(root: string, main?: string): string[] {
  const pattern =
    main ?? (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { main: string }).main;
  const star = pattern.lastIndexOf("*");
  if (star === -1) return [path.join(root, pattern)];
  const dir = path.join(root, path.dirname(pattern));
  const suffix = pattern.slice(star + 1);
  return readdirSync(dir)
    .filter((f) => f.endsWith(suffix) && !f.endsWith(".d.ts"))
    .sort()
    .map((f) => path.join(dir, f));
}
