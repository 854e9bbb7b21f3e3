import { Navigate, Route, Routes } from "react-router";
import { Layout } from "./components/Layout";
import { RequireAuth } from "./components/RequireAuth";
import { InventoryProvider } from "./hooks/InventoryContext";
import { DashboardPage } from "./pages/DashboardPage";
import { ForecastPage } from "./pages/forecast/ForecastPage";
import { InventoryPage } from "./pages/inventory/InventoryPage";
import { ProductPage } from "./pages/inventory/ProductPage";
import { LoginPage } from "./pages/LoginPage";
import { OrdersPage } from "./pages/orders/OrdersPage";

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
        <Route path="forecast" element={<ForecastPage />} />
        <Route path="forecast/:sku" element={<ForecastPage />} />
      </Route>
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}
