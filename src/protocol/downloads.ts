// Console downloads and the console update feed (ACC-1, ACC-2, CON-12): what My Account lists.
import { z } from 'zod';

export const ConsolePlatform = z.enum(['windows', 'macos', 'linux']);
export type ConsolePlatform = z.infer<typeof ConsolePlatform>;

/** The installer kinds a broker can hold for the console, by platform. */
export const InstallerKind = z.enum(['msi', 'nsis', 'dmg', 'appimage', 'deb']);
export type InstallerKind = z.infer<typeof InstallerKind>;

export const ConsoleDownload = z.object({
  platform: ConsolePlatform,
  kind: InstallerKind,
  fileName: z.string(),
  size: z.number().int().nonnegative(),
  version: z.string(),
  /** Path on this broker that serves the file with its name and type. */
  url: z.string(),
});
export type ConsoleDownload = z.infer<typeof ConsoleDownload>;

export const ConsoleDownloads = z.object({
  /** The platform detected from the caller's User-Agent, or null when unknown. */
  detected: ConsolePlatform.nullable(),
  downloads: z.array(ConsoleDownload),
});
export type ConsoleDownloads = z.infer<typeof ConsoleDownloads>;

export const ConsoleDownloadParams = z.object({ kind: InstallerKind });

/** Which desktop OS a browser runs on, from its User-Agent (ACC-1's default choice). */
export function detectPlatform(userAgent: string | undefined | null): ConsolePlatform | null {
  if (!userAgent) return null;
  // Phones and tablets carry desktop words (Android says Linux, iPad may say Macintosh): no console there.
  if (/Android|iPhone|iPad|iPod|Mobile/i.test(userAgent)) return null;
  if (/Windows NT|Win64|Win32/i.test(userAgent)) return 'windows';
  if (/Macintosh|Mac OS X/i.test(userAgent)) return 'macos';
  if (/Linux|X11|CrOS/i.test(userAgent)) return 'linux';
  return null;
}
