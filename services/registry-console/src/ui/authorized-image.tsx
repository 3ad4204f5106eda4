import { useEffect, useState } from 'react';

// The API's plots and exports need the bearer token, which an <img src> or a plain link cannot send: fetch them
// with it and hand the browser a blob URL.
export function AuthorizedImage({ src, token, alt }: { src: string; token: string; alt: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let revoked: string | null = null;
    let cancelled = false;
    fetch(src, { headers: { authorization: `Bearer ${token}` } })
      .then(async (res) => {
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const blob = await res.blob();
        if (cancelled) return;
        revoked = URL.createObjectURL(blob);
        setUrl(revoked);
      })
      .catch((err: unknown) => setError((err as Error).message));
    return () => {
      cancelled = true;
      if (revoked) URL.revokeObjectURL(revoked);
    };
  }, [src, token]);
  if (error) return <p role="alert">Plot not available: {error}</p>;
  return url ? <img className="plot" src={url} alt={alt} /> : <p>Drawing {alt}…</p>;
}

export async function downloadWithToken(path: string, token: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
