// Chat banners (POR-6, POR-7) and the site logo (POR-8): uploaded images kept by content address;
// a support session remembers the banner it started with (open sessions keep theirs).
import type { Migration } from './index.ts';

export const migration0005: Migration = {
  version: 5,
  name: 'portal-look',
  up: `
    CREATE TABLE site_images (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      media_type TEXT NOT NULL,
      width INTEGER NOT NULL,
      height INTEGER NOT NULL,
      bytes BLOB NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;
    ALTER TABLE support_sessions ADD COLUMN chat_banner TEXT;
  `,
};
