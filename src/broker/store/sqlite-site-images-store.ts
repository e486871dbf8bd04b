// SQLite statements of the site images store (see site-images-store.ts).
import type Database from 'better-sqlite3';
import type { SiteImagesStore } from './site-images-store.ts';

interface ImageRow {
  id: string;
  kind: string;
  media_type: string;
  width: number;
  height: number;
  bytes: Buffer;
  created_at: string;
}

export function sqliteSiteImagesStore(db: Database.Database): SiteImagesStore {
  const q = {
    put: db.prepare(
      'INSERT OR IGNORE INTO site_images (id, kind, media_type, width, height, bytes, created_at) VALUES (@id, @kind, @mediaType, @width, @height, @bytes, @createdAt)',
    ),
    get: db.prepare<[string], ImageRow>('SELECT * FROM site_images WHERE id = ?'),
  };
  return {
    async putSiteImage(img) {
      q.put.run({ ...img, bytes: Buffer.from(img.bytes) });
    },
    async getSiteImage(id) {
      const r = q.get.get(id);
      return r && { id: r.id, kind: r.kind as 'banner' | 'logo', mediaType: r.media_type, width: r.width, height: r.height, bytes: new Uint8Array(r.bytes), createdAt: r.created_at };
    },
  };
}
