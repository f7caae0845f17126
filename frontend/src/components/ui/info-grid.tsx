import type { ReactNode } from 'react';

export type InfoItem = { icon: ReactNode; title: string; text: string };

/** Explains what a page will hold, without pretending there is data. */
export function InfoGrid({ heading, items, numbered = false }: { heading: string; items: InfoItem[]; numbered?: boolean }) {
  return (
    <div className="info-grid">
      <h3 className="info-grid__heading">{heading}</h3>
      <ol className={numbered ? 'info-grid__list info-grid__list--numbered' : 'info-grid__list'}>
        {items.map((item, index) => (
          <li className="info-grid__item" key={item.title}>
            <span className="info-grid__icon" aria-hidden="true">
              {numbered ? index + 1 : item.icon}
            </span>
            <span className="info-grid__text">
              <strong>{item.title}</strong>
              <span>{item.text}</span>
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
