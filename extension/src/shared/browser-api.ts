/**
 * The WebExtension API of the browser the code runs in: `browser` where it exists (Firefox, whose
 * `chrome` alias keeps Chrome's callback style; Chrome from 148), else `chrome` (Chrome's Manifest V3
 * methods return promises). Every call in the extension goes through this one name.
 */
export const ext: typeof chrome = typeof browser !== 'undefined' ? browser : chrome;
