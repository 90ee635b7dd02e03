/** Stylesheets are bundled as text (esbuild `text` loader) and put into shadow roots and pages. */
declare module '*.css' {
  const text: string;
  export default text;
}

/** The browser a bundle is built for (esbuild `define`). */
declare const __BROWSER__: 'chrome' | 'firefox';
