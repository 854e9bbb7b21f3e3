import { lazy, Suspense } from "react";
import { Navigate, Route, Routes } from "react-router";
import { Layout } from "./components/Layout";
import { RequireAuth } from "./components/RequireAuth";
import { Loading } from "./components/Status";
import { InventoryProvider } from "./hooks/InventoryContext";
import { DashboardPage } from "./pages/DashboardPage";
import { InventoryPage } from "./pages/inventory/InventoryPage";
import { ProductPage } from "./pages/inventory/ProductPage";
import { LoginPage } from "./pages/LoginPage";
import { OrdersPage } from "./pages/orders/OrdersPage";

// The forecast page carries the charting library: load it when first opened.
const ForecastPage = lazy(() => import("./pages/forecast/ForecastPage").then((m) => ({ default: m.ForecastPage })));
const forecast = (
  <Suspense fallback={<Loading what="the forecast page" />}>
    <ForecastPage />
  </Suspense>
);

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireAuth>
            <InventoryProvider>
              <Layout />
            </InventoryProvider>
          </RequireAuth>
        }
      >
        <Route index element={<DashboardPage />} />
        <Route path="inventory" element={<InventoryPage />} />
        <Route path="inventory/:sku" element={<ProductPage />} />
        <Route path="orders" element={<OrdersPage />} />
        <Route path="forecast" element={forecast} />
        <Route path="forecast/:sku" element={forecast} />
      </Route>
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}
