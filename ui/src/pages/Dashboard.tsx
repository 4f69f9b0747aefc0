/** Home: start an import, and watch every import of mine. */
import { useRef, useState } from 'react';
import { ImportForm } from '../components/ImportForm';
import { ImportsTable } from '../components/ImportsTable';
import { usePageTitle } from '../lib/usePageTitle';

export function Dashboard() {
  const [lastQueued, setLastQueued] = useState<string | null>(null);
  const refreshList = useRef<(() => void) | null>(null);
  const heading = usePageTitle('Imports');

  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Imports
      </h1>
      <section className="card" aria-labelledby="new-import-heading">
        <h2 id="new-import-heading">Import a scan</h2>
        <ImportForm
          onQueued={(key) => {
            setLastQueued(key);
            refreshList.current?.();
          }}
        />
      </section>
      <section className="card" aria-labelledby="my-imports-heading">
        <h2 id="my-imports-heading">My imports</h2>
        <ImportsTable highlight={lastQueued} pokeRef={refreshList} />
      </section>
    </>
  );
}
