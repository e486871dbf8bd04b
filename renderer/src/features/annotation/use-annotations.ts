// One session's annotations in the console: the board, the chosen tool, colour and width, and the
// annotation channel (opened at the first stroke, through console-core). When the channel ends —
// the customer revoked the permission, the session ended — the board is emptied: the customer's
// overlay is gone too.
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { encodeChannelJson, type AnnotationMessage } from '../../../../src/protocol/remote-control.ts';
import type { ToolChannel } from '../../../../src/protocol/tool-channel.ts';
import { AnnotationBoard, COLOURS, type DrawingTool, type Point } from './annotation-model.ts';
import { AnnotationSender } from './annotation-sender.ts';

export type AnnotationChannelState = 'idle' | 'opening' | 'open' | 'closed';

export interface Annotations {
  board: AnnotationBoard;
  /** The drawing tool in use, or null: then the rep's pointer goes to the screen (control). */
  tool: DrawingTool | null;
  setTool(tool: DrawingTool | null): void;
  color: string;
  setColor(c: string): void;
  width: number;
  setWidth(w: number): void;
  state: AnnotationChannelState;
  reason: string;
  /** Bumped on every change of the board, for rendering. */
  version: number;
  begin(p: Point): void;
  move(p: Point): void;
  end(): void;
  placeText(p: Point, text: string): void;
  clear(): void;
}

export function useAnnotations(open: (() => Promise<ToolChannel>) | null): Annotations {
  const board = useRef(new AnnotationBoard()).current;
  const [tool, setTool] = useState<DrawingTool | null>(null);
  const [color, setColor] = useState<string>(COLOURS[0]);
  const [width, setWidth] = useState(4);
  const [state, setState] = useState<AnnotationChannelState>('idle');
  const [reason, setReason] = useState('');
  const [version, bump] = useReducer((v: number) => v + 1, 0);
  const channel = useRef<Promise<ToolChannel> | null>(null);
  const sender = useRef<AnnotationSender | null>(null);
  const openRef = useRef(open);
  openRef.current = open;

  const connect = useCallback((): AnnotationSender | null => {
    if (sender.current) return sender.current;
    const o = openRef.current;
    if (!o) return null;
    setState('opening');
    const ch = o();
    channel.current = ch;
    const s = new AnnotationSender(
      async (m) => (await ch).write(encodeChannelJson(m)),
      (err) => {
        setState('closed');
        setReason(err instanceof Error ? err.message : String(err));
      },
    );
    sender.current = s;
    ch.then(
      (c) => {
        setState('open');
        void c.closed.then((why) => {
          if (sender.current !== s) return;
          sender.current = null;
          channel.current = null;
          board.reset();
          setState('closed');
          setReason(why);
          bump();
        });
      },
      (err: unknown) => {
        if (sender.current === s) sender.current = null;
        channel.current = null;
        board.reset();
        setState('closed');
        setReason(err instanceof Error ? err.message : String(err));
        bump();
      },
    );
    return s;
  }, [board]);

  const send = useCallback(
    (msgs: AnnotationMessage[]) => {
      bump();
      if (msgs.length) connect()?.push(msgs);
    },
    [connect],
  );

  // Leaving the session's view closes the channel: the customer's screen is cleaned with it.
  useEffect(
    () => () => {
      const ch = channel.current;
      sender.current = null;
      channel.current = null;
      void ch?.then((c) => c.close('closed_by_rep'), () => undefined);
    },
    [],
  );

  return {
    board,
    tool,
    setTool,
    color,
    setColor,
    width,
    setWidth,
    state,
    reason,
    version,
    begin: (p) => tool && send(board.begin(tool, color, width, p)),
    move: (p) => tool && send(board.move(tool, width, p)),
    end: () => {
      board.end();
      bump();
    },
    placeText: (p, text) => send(board.text(color, width, p, text)),
    clear: () => send(board.clear()),
  };
}
