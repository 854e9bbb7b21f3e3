// Place orders (STAFF and ADMIN) and browse, filter and cancel them.
import { useState } from "react";
import { canWrite } from "../../api/session";
import { useAuth } from "../../auth/AuthContext";
import { NewOrderForm } from "./NewOrderForm";
import { OrderList } from "./OrderList";

export function OrdersPage() {
  const { session } = useAuth();
  const [placed, setPlaced] = useState(0);
  return (
    <div className="page">
      <h1>Orders</h1>
      {canWrite(session) ? (
        <NewOrderForm onPlaced={() => setPlaced((n) => n + 1)} />
      ) : (
        <p className="notice" data-testid="read-only-note">
          You are logged in with a read-only role: you can see orders but not place or cancel them.
        </p>
      )}
      <OrderList refreshKey={placed} canCancel={canWrite(session)} />
    </div>
  );
}
