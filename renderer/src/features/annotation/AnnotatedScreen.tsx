// The screen tab with what rides on it: the viewer (h13v's ScreenViewer), the annotation toolbar
// in its toolbar and the drawing layer over its picture when the customer allows annotations, and
// the clipboard panel when the customer gave control. While a drawing tool is chosen the viewer
// sends no mouse or keyboard input.
import { useMemo, type ComponentProps } from 'react';
import type { ToolChannel } from '../../../../src/protocol/tool-channel.ts';
import { consoleApi } from '../../console-api.ts';
import { ScreenViewer } from '../screen/ScreenViewer.tsx';
import { AnnotationLayer, AnnotationToolbar } from './AnnotationOverlay.tsx';
import { ClipboardPanel } from './ClipboardPanel.tsx';
import { useAnnotations } from './use-annotations.ts';

interface Opener {
  open(lsid: string, kind: 'annotation' | 'clipboard', meta: Record<string, unknown>): Promise<ToolChannel>;
}

function opener(lsid: string, kind: 'annotation' | 'clipboard'): (() => Promise<ToolChannel>) | null {
  const c = (consoleApi as unknown as { channels?: Opener }).channels;
  return c && typeof c.open === 'function' ? () => c.open(lsid, kind, {}) : null;
}

type ViewerProps = Omit<ComponentProps<typeof ScreenViewer>, 'overlay' | 'toolbar' | 'captureInput'>;

export function AnnotatedScreen({ lsid, annotations, clipboard, ...viewer }: ViewerProps & { lsid: string; annotations: boolean; clipboard: boolean }) {
  const openAnnotation = useMemo(() => (annotations ? opener(lsid, 'annotation') : null), [lsid, annotations]);
  const openClipboard = useMemo(() => (clipboard ? opener(lsid, 'clipboard') : null), [lsid, clipboard]);
  const a = useAnnotations(openAnnotation);
  const drawing = !!openAnnotation && a.tool !== null;
  return (
    <>
      <ScreenViewer
        {...viewer}
        captureInput={!drawing}
        {...(openAnnotation ? { toolbar: <AnnotationToolbar a={a} />, overlay: (view) => <AnnotationLayer view={view} a={a} /> } : {})}
      />
      {openClipboard && <ClipboardPanel open={openClipboard} />}
    </>
  );
}
