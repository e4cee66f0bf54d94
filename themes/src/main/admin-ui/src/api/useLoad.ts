import { useEffect, useState } from "react";

export type Loaded<T> =
  { state: "loading" } | { state: "failed"; error: Error } | { state: "done"; value: T };

/** Loads again whenever `key` changes; an answer to an older key is dropped. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  useEffect(() => {
    let current = true;
    setLoaded({ state: "loading" });
    load().then(
      (value) => current && setLoaded({ state: "done", value }),
      (error: Error) => current && setLoaded({ state: "failed", error }),
    );
    return () => {
      current = false;
    };
    // `key` stands for everything `load` reads.
  }, [key]);
  return loaded;
}
