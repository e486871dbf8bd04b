// File transfer (CON-6, USR-11) inside 'file' channels: the meta a rep opens a channel with, the
// JSON control messages both ends exchange (tag TAG_CONTROL, see tool-channel.ts) between raw
// data messages (TAG_DATA), and the session events a transfer or a file operation leaves.
//
// Paths on the wire are relative to the customer's file root (their home directory), '/'
// separated, '' being the root itself. The agent checks them (file-paths.ts); the schema only
// bounds them, so a bad path gets a precise `bad_path` error rather than a generic one.
import { z } from 'zod';

export const MAX_REMOTE_PATH_CHARS = 4096;
export const MAX_LISTING_ENTRIES = 20_000;
export const RemotePath = z.string().max(MAX_REMOTE_PATH_CHARS * 2);

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
export const TransferId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/);
export const ConflictAction = z.enum(['overwrite', 'rename', 'skip']);
export type ConflictAction = z.infer<typeof ConflictAction>;
export const ConflictPolicy = z.enum(['ask', 'overwrite', 'rename', 'skip']);
export type ConflictPolicy = z.infer<typeof ConflictPolicy>;
export const FileSort = z.enum(['name', 'size', 'mtime']);
export type FileSort = z.infer<typeof FileSort>;

/** Errors a file operation or transfer can end with; the console shows each in words. */
export const FileErrorCode = z.enum([
  'bad_path', 'outside_root', 'not_found', 'exists', 'not_a_directory', 'is_a_directory', 'permission_denied',
  'disk_full', 'changed', 'checksum_mismatch', 'not_empty', 'too_large', 'bad_message', 'io_error', 'cancelled',
]);
export type FileErrorCode = z.infer<typeof FileErrorCode>;

const Size = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

// ---- channel meta (what `openChannel(lsid, 'file', meta)` carries) ----

export const FileChannelMeta = z.discriminatedUnion('op', [
  /** Listing and file operations, request/answer by `ref`. */
  z.object({ op: z.literal('browse') }).strict(),
  /**
   * Customer → rep: a file or a whole folder. The `resume*` fields (all or none) continue a
   * transfer that was cut: the file being sent, the bytes the rep holds, and the size and mtime
   * it had (a changed file is sent again from 0). Flat, as the broker takes flat channel meta.
   */
  z.object({
    op: z.literal('download'),
    path: RemotePath,
    resumeFile: RemotePath.optional(),
    resumeOffset: Size.optional(),
    resumeSize: Size.optional(),
    resumeMtimeMs: z.number().optional(),
  }).strict(),
  /** Rep → customer: files and folders into the directory `path`. */
  z.object({
    op: z.literal('upload'),
    transferId: TransferId,
    path: RemotePath,
    conflict: ConflictPolicy,
  }).strict(),
]);
export type FileChannelMeta = z.infer<typeof FileChannelMeta>;

// ---- browse ----

export const FileEntry = z.object({
  name: z.string(),
  kind: z.enum(['file', 'dir', 'symlink', 'other']),
  size: Size,
  mtimeMs: z.number(),
  hidden: z.boolean(),
  /** For a symlink: what it points to, or that it leads outside the file root (not followed). */
  target: z.enum(['file', 'dir', 'other', 'outside', 'broken']).optional(),
});
export type FileEntry = z.infer<typeof FileEntry>;

const Ref = z.number().int().min(0).max(2 ** 31);

export const BrowseRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('list'), ref: Ref, path: RemotePath, hidden: z.boolean(), sort: FileSort.default('name'), desc: z.boolean().default(false) }).strict(),
  z.object({ type: z.literal('mkdir'), ref: Ref, path: RemotePath }).strict(),
  z.object({ type: z.literal('rename'), ref: Ref, from: RemotePath, to: RemotePath }).strict(),
  z.object({ type: z.literal('delete'), ref: Ref, path: RemotePath, recursive: z.boolean().default(false) }).strict(),
]);
export type BrowseRequest = z.input<typeof BrowseRequest>;

export const BrowseReply = z.discriminatedUnion('type', [
  /** `truncated`: the folder holds more than MAX_LISTING_ENTRIES; the first ones in the asked order are sent. */
  z.object({ type: z.literal('listing'), ref: Ref, path: z.string(), root: z.string(), entries: z.array(FileEntry), truncated: z.boolean() }),
  z.object({ type: z.literal('done'), ref: Ref }),
  z.object({ type: z.literal('error'), ref: Ref, code: FileErrorCode, message: z.string() }),
]);
export type BrowseReply = z.infer<typeof BrowseReply>;

// ---- download (agent sends, rep answers at the end) ----

export const DownloadMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), kind: z.enum(['file', 'folder']), name: z.string(), size: Size, files: z.number().int().min(0) }),
  z.object({ type: z.literal('dir'), path: z.string() }),
  /** A file follows from `offset` (0 unless resumed); its data messages, then `file_end`. */
  z.object({ type: z.literal('file'), path: z.string(), size: Size, mtimeMs: z.number(), offset: Size }),
  z.object({ type: z.literal('file_end'), path: z.string(), sha256: Sha256Hex, size: Size }),
  z.object({ type: z.literal('end') }),
  z.object({ type: z.literal('error'), code: FileErrorCode, message: z.string(), path: z.string().optional() }),
]);
export type DownloadMessage = z.infer<typeof DownloadMessage>;

export const DownloadAnswer = z.discriminatedUnion('type', [
  /** The rep's verdict on each file (its own SHA-256 of what it wrote). */
  z.object({ type: z.literal('verified'), path: RemotePath, sha256: Sha256Hex, ok: z.boolean() }).strict(),
]);
export type DownloadAnswer = z.infer<typeof DownloadAnswer>;

// ---- upload (rep sends, agent answers each file) ----

export const UploadMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('dir'), path: RemotePath }).strict(),
  /** `resolved`: the answer already given to a conflict on this file (a resumed transfer). */
  z.object({ type: z.literal('file'), path: RemotePath, size: Size, resolved: ConflictAction.optional() }).strict(),
  z.object({ type: z.literal('resolve'), action: ConflictAction }).strict(),
  z.object({ type: z.literal('file_end'), sha256: Sha256Hex }).strict(),
  z.object({ type: z.literal('end') }).strict(),
]);
export type UploadMessage = z.infer<typeof UploadMessage>;

export const UploadAnswer = z.discriminatedUnion('type', [
  z.object({ type: z.literal('conflict'), path: z.string(), existing: z.object({ kind: FileEntry.shape.kind, size: Size, mtimeMs: z.number() }) }),
  /** Send the file's bytes from `offset` (a partial copy of this transfer is already there). */
  z.object({ type: z.literal('ready'), path: z.string(), offset: Size }),
  z.object({ type: z.literal('skipped'), path: z.string() }),
  z.object({ type: z.literal('saved'), path: z.string(), savedAs: z.string(), sha256: Sha256Hex, size: Size }),
  z.object({ type: z.literal('dir_ok'), path: z.string() }),
  z.object({ type: z.literal('end') }),
  z.object({ type: z.literal('error'), code: FileErrorCode, message: z.string(), path: z.string().optional() }),
]);
export type UploadAnswer = z.infer<typeof UploadAnswer>;

// ---- session events ----

export const FileTransferEvent = z.object({
  kind: z.literal('file_transfer'),
  direction: z.enum(['upload', 'download']),
  /** Path under the customer's file root (for an upload: where it was saved). */
  path: z.string(),
  name: z.string(),
  size: Size,
  sha256: Sha256Hex.optional(),
  /** `interrupted`: the connection was cut; a resumed transfer logs its own result. */
  result: z.enum(['completed', 'failed', 'cancelled', 'skipped', 'interrupted']),
  error: FileErrorCode.optional(),
  /** Bytes already there when a cut transfer resumed. */
  resumedAt: Size.optional(),
});
export type FileTransferEvent = z.infer<typeof FileTransferEvent>;

export const FileOperationEvent = z.object({
  kind: z.literal('file_operation'),
  op: z.enum(['list', 'mkdir', 'rename', 'delete']),
  path: z.string(),
  to: z.string().optional(),
  result: z.enum(['ok', 'failed']),
  error: FileErrorCode.optional(),
});
export type FileOperationEvent = z.infer<typeof FileOperationEvent>;
