/** The URL slug Amazon puts before `/dp/`: the first words of the title, ASCII letters and digits only. */
export function slug(title: string): string {
  const s = title
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9 -]/g, '')
    .trim()
    .split(/\s+/)
    .slice(0, 6)
    .join('-');
  return s || 'product';
}
