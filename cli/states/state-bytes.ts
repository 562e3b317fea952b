/**
 * A state file's bytes as JSON: plain, gzip (`.json.gz`, PULUMI_DIY_BACKEND_GZIP) or zstd (`.json.zst`,
 * newer Pulumi), told apart by their first bytes as the DIY backend does (pulumi/pulumi sdk/go/common/encoding).
 */
import * as zlib from "node:zlib";
import { StateFormatError } from "./deployment";

export function parseStateBytes(bytes: Buffer): unknown {
  let text: string;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      text = zlib.gunzipSync(bytes).toString("utf8");
    } catch {
      throw new StateFormatError("looks gzipped but does not decompress");
    }
  } else if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0xfd2fb528) {
    // zlib.zstdDecompressSync exists from Node 22.15 on.
    const zstd = (zlib as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync;
    if (!zstd)
      throw new StateFormatError(
        `is zstd-compressed, which needs Node 22.15 or later to read (this is ${process.version})`,
      );
    text = zstd(bytes).toString("utf8");
  } else {
    text = bytes.toString("utf8");
  }
  try {
    return JSON.parse(text);
  } catch {
    // Not the parser's message: newer Node versions quote the text around the error, and a state may hold secrets.
    throw new StateFormatError(text.trim() === "" ? "is empty" : "is not valid JSON");
  }
}
