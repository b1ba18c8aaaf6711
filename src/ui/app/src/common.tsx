import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { ownerLabel, releaseOf, type Image, type OwnerType } from './api.js';
import { takePendingFocus } from './router.js';

/** The page's h1. After a client-side page change it takes the focus (keyboard and screen-reader users). */
export function PageHeading({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (takePendingFocus()) ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 id="main-heading" tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

export function ReleaseBadge({ version, release }: { version: string; release?: string }) {
  const r = releaseOf({ version, release });
  return (
    <span class={`badge badge-${r.kind}`} title={r.kind === 'ga' ? 'Generally available' : r.label}>
      {r.label}
    </span>
  );
}

/** The package's first icon, or its initial when it has none. Decorative: the title is next to it. */
export function PackageIcon({ icons, title, size }: { icons?: Image[]; title: string; size: number }) {
  const icon = icons?.[0];
  if (icon?.path) {
    return <img class="pkg-icon" src={icon.path} alt="" width={size} height={size} loading="lazy" decoding="async" />;
  }
  return (
    <span class="pkg-icon pkg-icon-letter" aria-hidden="true" style={{ width: `${size}px`, height: `${size}px` }}>
      {(title.trim()[0] ?? '?').toUpperCase()}
    </span>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="status" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorBox({ message }: { message: string }) {
  return (
    <div class="error" role="alert">
      <strong>Something went wrong.</strong> {message}
    </div>
  );
}

const OWNER_TITLES: Record<OwnerType, string> = {
  elastic: 'Built and supported by Elastic',
  partner: 'Built by an Elastic partner',
  community: 'Built by the community',
};

/** Elastic / Partner / Community, from the package's `owner.type`. */
export function OwnerBadge({ type }: { type: OwnerType }) {
  return (
    <span class={`badge badge-owner badge-owner-${type}`} title={OWNER_TITLES[type]} data-owner={type}>
      {ownerLabel(type)}
    </span>
  );
}
