// Shares the one live inventory stream with every page.
import { createContext, useContext, type ReactNode } from "react";
import { useInventoryStream, type InventoryState } from "./useInventoryStream";

const Ctx = createContext<InventoryState | null>(null);

export function InventoryProvider({ children }: { children: ReactNode }) {
  const state = useInventoryStream(true);
  return <Ctx.Provider value={state}>{children}</Ctx.Provider>;
}

export function useLiveInventory(): InventoryState {
  const state = useContext(Ctx);
  if (!state) throw new Error("useLiveInventory outside InventoryProvider");
  return state;
}
