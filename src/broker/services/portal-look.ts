// The portal's look: the two chat banners (POR-6 customer client, POR-7 presentation attendees)
// and the site's logo, title and colours (POR-8). Images are validated here, by reading their
// headers, and kept by content address so a session can keep the banner it started with.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import {
  siteImageUrl,
  contrastChecks,
  defaultSiteColours,
  LOGO_MAX_BYTES,
  LOGO_MAX_HEIGHT,
  LOGO_MAX_WIDTH,
  type BannerInfo,
  type BannerKind,
  type SiteLook,
  type UpdateSiteLookBody,
} from '../../protocol/portal-look.ts';
import { PasserelleError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './accounts.ts';
import { BANNER_RECOMMENDED_HEIGHT, BANNER_WIDTH, defaultBannerBmp, parseBannerBmp } from './banner-bmp.ts';

const BANNERS_KEY = 'portal.banners';
const LOOK_KEY = 'portal.look';
const DEFAULT_TITLE = { en: 'Remote support', fr: 'Assistance à distance' };

interface SavedBanners {
  customer_chat?: { id: string; uploadedAt: string } | null;
  presentation?: { id: string; uploadedAt: string } | null;
}

interface SavedLook {
  colours?: SiteLook['colours'];
  title?: SiteLook['title'];
  logo?: { id: string; width: number; height: number } | null;
}

export interface SiteImage {
  bytes: Uint8Array;
  mediaType: string;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Reads a PNG's IHDR: the logo is a PNG no larger than LOGO_MAX_WIDTH × LOGO_MAX_HEIGHT. */
function checkLogoPng(file: Uint8Array): { width: number; height: number } {
  const bad = (reason: string, message: string) => new PasserelleError('invalid_image', message, { reason });
  if (file.length === 0) throw bad('empty', 'The file is empty (0 bytes)');
  if (file.length > LOGO_MAX_BYTES) throw bad('too_large', `The file is ${file.length} bytes; a logo may be at most ${LOGO_MAX_BYTES}`);
  if (file.length < 8 || !PNG_SIGNATURE.every((b, i) => file[i] === b)) throw bad('not_png', 'The logo must be a PNG image');
  if (file.length < 33) throw bad('truncated', 'The PNG stops inside its header');
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const type = String.fromCharCode(file[12]!, file[13]!, file[14]!, file[15]!);
  if (v.getUint32(8) !== 13 || type !== 'IHDR') throw bad('not_png', 'The PNG does not start with its image header');
  const width = v.getUint32(16);
  const height = v.getUint32(20);
  if (width === 0 || height === 0) throw bad('wrong_size', `The PNG says it is ${width} × ${height} pixels`);
  if (width > LOGO_MAX_WIDTH || height > LOGO_MAX_HEIGHT) {
    throw bad('too_large', `The logo is ${width} × ${height} pixels; at most ${LOGO_MAX_WIDTH} × ${LOGO_MAX_HEIGHT}`);
  }
  return { width, height };
}

export class PortalLookService {
  private readonly defaultBanner = defaultBannerBmp();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  private async saved<T>(key: string): Promise<T> {
    const raw = await this.store.getSetting(key);
    return (raw ? JSON.parse(raw) : {}) as T;
  }

  private static imageId(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
  }

  // ---- banners ----

  async banner(kind: BannerKind): Promise<BannerInfo> {
    const s = (await this.saved<SavedBanners>(BANNERS_KEY))[kind];
    if (s) {
      const img = await this.store.getSiteImage(s.id);
      if (img) return { kind, custom: true, id: s.id, url: siteImageUrl(s.id), width: img.width, height: img.height, bytes: img.bytes.length, uploadedAt: s.uploadedAt };
    }
    return { kind, custom: false, id: 'default', url: siteImageUrl('default'), width: BANNER_WIDTH, height: BANNER_RECOMMENDED_HEIGHT, bytes: this.defaultBanner.length, uploadedAt: null };
  }

  async banners(): Promise<BannerInfo[]> {
    return [await this.banner('customer_chat'), await this.banner('presentation')];
  }

  /** The banner id a session starting now keeps for its whole life (null = the default). */
  async bannerForNewSession(kind: BannerKind): Promise<string | null> {
    const b = await this.banner(kind);
    return b.custom ? b.id : null;
  }

  async uploadBanner(kind: BannerKind, file: Uint8Array, byUserId: number): Promise<BannerInfo> {
    const r = parseBannerBmp(file);
    if (!r.ok) {
      this.log.info({ kind, reason: r.reason, bytes: file.length, userId: byUserId }, 'chat banner refused');
      throw new PasserelleError('invalid_image', r.message, { reason: r.reason });
    }
    const id = PortalLookService.imageId(file);
    const now = this.clock.now().toISOString();
    await this.store.putSiteImage({ id, kind: 'banner', mediaType: 'image/bmp', width: r.info.width, height: r.info.height, bytes: file, createdAt: now });
    const all = await this.saved<SavedBanners>(BANNERS_KEY);
    all[kind] = { id, uploadedAt: now };
    await this.store.putSetting(BANNERS_KEY, JSON.stringify(all));
    this.log.info({ kind, id, height: r.info.height, userId: byUserId }, 'chat banner uploaded');
    return this.banner(kind);
  }

  async revertBanner(kind: BannerKind): Promise<BannerInfo> {
    const all = await this.saved<SavedBanners>(BANNERS_KEY);
    all[kind] = null;
    await this.store.putSetting(BANNERS_KEY, JSON.stringify(all));
    return this.banner(kind);
  }

  /** A stored image by id (banners and logo share the address space); `default` is the product's banner. */
  async image(id: string): Promise<SiteImage> {
    if (id === 'default') return { bytes: this.defaultBanner, mediaType: 'image/bmp' };
    const img = await this.store.getSiteImage(id);
    if (!img) throw new PasserelleError('not_found', 'No such image');
    return { bytes: img.bytes, mediaType: img.mediaType };
  }

  // ---- site look (POR-8) ----

  async look(): Promise<SiteLook> {
    const s = await this.saved<SavedLook>(LOOK_KEY);
    return {
      colours: s.colours ?? defaultSiteColours,
      title: s.title ?? DEFAULT_TITLE,
      logo: s.logo ? { url: siteImageUrl(s.logo.id), width: s.logo.width, height: s.logo.height } : null,
    };
  }

  async updateLook(patch: UpdateSiteLookBody): Promise<SiteLook> {
    const s = await this.saved<SavedLook>(LOOK_KEY);
    if (patch.colours) {
      const failing = contrastChecks(patch.colours).filter((c) => !c.ok);
      if (failing.length > 0) {
        const f = failing[0]!;
        throw new PasserelleError(
          'contrast_too_low',
          `Contrast ${f.foreground} on ${f.background} is ${f.ratio.toFixed(2)}:1; WCAG AA needs ${f.required}:1 (${f.pair})`,
          { failing },
        );
      }
      s.colours = patch.colours;
    }
    if (patch.title) s.title = { en: patch.title.en.trim() || DEFAULT_TITLE.en, fr: patch.title.fr.trim() || DEFAULT_TITLE.fr };
    await this.store.putSetting(LOOK_KEY, JSON.stringify(s));
    return this.look();
  }

  async uploadLogo(file: Uint8Array): Promise<SiteLook> {
    const { width, height } = checkLogoPng(file);
    const id = PortalLookService.imageId(file);
    await this.store.putSiteImage({ id, kind: 'logo', mediaType: 'image/png', width, height, bytes: file, createdAt: this.clock.now().toISOString() });
    const s = await this.saved<SavedLook>(LOOK_KEY);
    s.logo = { id, width, height };
    await this.store.putSetting(LOOK_KEY, JSON.stringify(s));
    return this.look();
  }

  async resetLook(): Promise<SiteLook> {
    await this.store.putSetting(LOOK_KEY, JSON.stringify({}));
    return this.look();
  }
}
