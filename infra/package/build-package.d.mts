export const ZIP_NAME: string;
export const MAX_ZIP_BYTES: number;

export interface PackageResult {
  outDir: string;
  bundleFile: string;
  bundleBytes: number;
  mapBytes: number;
  zipFile: string;
  zipBytes: number;
  /** Paths inside the zip, "/"-separated. */
  zipEntries: string[];
  /** The `functions/*.ts` file names the generated entry requires, sorted. */
  functionFiles: string[];
  inputCount: number;
  /** Bytes each source file (as esbuild's metafile names it) contributes to the bundle; 0 when tree-shaken out. */
  inputBytes: Record<string, number>;
  /** Modules the bundle still requires at run time (Node built-ins and `@azure/functions-core`). */
  externals: string[];
  warnings: string[];
  buildMs: number;
}

export function functionSources(root: string): string[];
export function entrySource(files: readonly string[]): string;
export function buildPackage(options: {
  root: string;
  outDir: string;
  maxZipBytes?: number;
}): Promise<PackageResult>;
