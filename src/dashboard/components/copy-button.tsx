// A button that copies a value to the clipboard (public/app.js does the copying).

export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  return (
    <button type="button" class="copy" data-copy={value} aria-label={`${label}: ${value.slice(0, 40)}`}>
      {label}
    </button>
  );
}
