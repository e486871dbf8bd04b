// Uploaded images of the portal's look (chat banners, site logo), kept by content address.
export interface SiteImageRecord {
  id: string;
  kind: 'banner' | 'logo';
  mediaType: string;
  width: number;
  height: number;
  bytes: Uint8Array;
  createdAt: string;
}

export interface SiteImagesStore {
  /** Stores an image; the same bytes uploaded twice are one row. */
  putSiteImage(img: SiteImageRecord): Promise<void>;
  getSiteImage(id: string): Promise<SiteImageRecord | undefined>;
}
