import { createContext, useContext } from 'react';
import type { Client } from 'graphql-ws';

/** The page's one graphql-ws client (Apollo's subscriptions and the metric streams share its socket). */
export const WsContext = createContext<Client | null>(null);

export function useWs(): Client {
  const ws = useContext(WsContext);
  if (!ws) throw new Error('useWs outside <WsContext.Provider>');
  return ws;
}
