// The portal's look: chat banners (POR-6 customer client, POR-7 presentation attendees) and the
// site's logo and colours (POR-8), with the WCAG contrast rule both the console and the broker apply.
import { z } from 'zod';

export const BannerKind = z.enum(['customer_chat', 'presentation']);
export type BannerKind = z.infer<typeof BannerKind>;
export const BannerKindParams = z.object({ kind: BannerKind }).strict();
/** Content address of a stored banner (hex of its SHA-256, shortened), or `default`. */
export const BannerId = z.string().regex(/^(default|[0-9a-f]{32})$/);
export const BannerIdParams = z.object({ id: BannerId }).strict();

export const BannerInfo = z.object({
  kind: BannerKind,
  custom: z.boolean(),
  id: BannerId,
  /** Where clients fetch it (public: new sessions name it in their welcome). */
  url: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
  uploadedAt: z.string().nullable(),
});
export type BannerInfo = z.infer<typeof BannerInfo>;
export const BannersView = z.object({ banners: z.array(BannerInfo), recommendedHeight: z.number().int(), width: z.number().int(), maxBytes: z.number().int() });
export type BannersView = z.infer<typeof BannersView>;

export const siteImageUrl = (id: string): string => `/api/v1/site-images/${id}`;

// ---- Site look (POR-8) ----

export const HexColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, { message: 'a colour such as #1f5fa8' }).transform((s) => s.toLowerCase());

export const SiteColours = z.object({
  /** Page background and its text. */
  background: HexColour,
  text: HexColour,
  /** Buttons and links, and the text on buttons. */
  accent: HexColour,
  accentText: HexColour,
  /** The band at the top of the portal and of the chat page. */
  header: HexColour,
  headerText: HexColour,
});
export type SiteColours = z.infer<typeof SiteColours>;

/** Which CSS variable each site colour sets, for the stylesheets of the portal, web chat, customer chat window and preview. */
export const SITE_LOOK_CSS_VARIABLES = [
  ['--bg', 'background'],
  ['--text', 'text'],
  ['--accent', 'accent'],
  ['--accent-text', 'accentText'],
  ['--header', 'header'],
  ['--header-text', 'headerText'],
] as const satisfies readonly (readonly [string, keyof SiteColours])[];

/** The CSS variables the pages' stylesheets read, from the site's colours (portal, web chat, preview). */
export function siteLookCssVariables(c: SiteColours): Record<string, string> {
  return Object.fromEntries(SITE_LOOK_CSS_VARIABLES.map(([name, key]) => [name, c[key]]));
}

export const defaultSiteColours: SiteColours = {
  background: '#f4f6f8',
  text: '#1d2430',
  accent: '#1f5fa8',
  accentText: '#ffffff',
  header: '#1f3b57',
  headerText: '#ffffff',
};

export const SiteLook = z.object({
  colours: SiteColours,
  /** Site name shown next to the logo, per language. */
  title: z.object({ en: z.string(), fr: z.string() }),
  logo: z.object({ url: z.string(), width: z.number().int(), height: z.number().int() }).nullable(),
});
export type SiteLook = z.infer<typeof SiteLook>;

const titleText = z
  .string()
  .max(80)
  .refine((s) => !/[\u0000-\u001f\u007f<>]/.test(s), { message: 'plain text, without control characters or < >' });

export const UpdateSiteLookBody = z
  .object({
    colours: SiteColours.optional(),
    title: z.object({ en: titleText, fr: titleText }).strict().optional(),
  })
  .strict();
export type UpdateSiteLookBody = z.infer<typeof UpdateSiteLookBody>;

export const LOGO_MAX_BYTES = 256 * 1024;
export const LOGO_MAX_WIDTH = 600;
export const LOGO_MAX_HEIGHT = 200;

// ---- WCAG 2.x contrast ----

function channel(c: number): number {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** Relative luminance of a `#rrggbb` colour (WCAG 2.x definition). */
export function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

/** Contrast ratio between two colours, 1 … 21. */
export function contrastRatio(a: string, b: string): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

export interface ContrastCheck {
  pair: 'text_on_background' | 'accent_text_on_accent' | 'header_text_on_header' | 'accent_on_background';
  foreground: string;
  background: string;
  ratio: number;
  /** AA: 4.5 for text, 3 for a button's edge against the page (WCAG 1.4.3, 1.4.11). */
  required: number;
  ok: boolean;
}

export function contrastChecks(c: SiteColours): ContrastCheck[] {
  const pairs: [ContrastCheck['pair'], string, string, number][] = [
    ['text_on_background', c.text, c.background, 4.5],
    ['accent_text_on_accent', c.accentText, c.accent, 4.5],
    ['header_text_on_header', c.headerText, c.header, 4.5],
    ['accent_on_background', c.accent, c.background, 3],
  ];
  return pairs.map(([pair, foreground, background, required]) => {
    const ratio = contrastRatio(foreground, background);
    // WCAG compares the exact ratio: 4.499 fails even though it would be shown as 4.50.
    return { pair, foreground, background, ratio, required, ok: ratio >= required };
  });
}
