/**
 * Sets the document title and, after an in-app navigation, moves focus to the page's heading so
 * screen-reader and keyboard users start at the top of the new page.
 */
import { useEffect, useRef } from 'react';

let firstPage = true;

export function usePageTitle(title: string) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Intake`;
  }, [title]);
  useEffect(() => {
    if (firstPage) {
      firstPage = false;
      return;
    }
    heading.current?.focus();
  }, []);
  return heading;
}
