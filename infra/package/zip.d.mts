export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** CRC-32 (ISO 3309), as ZIP stores it. */
export function crc32(data: Uint8Array): number;
/** A store/deflate ZIP archive of `entries` (no ZIP64), with fixed timestamps. */
export function createZip(entries: readonly ZipEntry[]): Buffer;
/** Every entry of a non-ZIP64 store/deflate archive, inflated and CRC-checked. */
export function readZip(zip: Buffer): ZipEntry[];
