import azureFunctions from "@azure/functions";
import { lazyHandler } from "../lib/handlers/lazy-handler.js";

const { app } = azureFunctions;

// Shows the IP the app's outbound traffic leaves from (the NAT gateway's, once VNet-integrated)
// and whether it is the one Atlas allow-lists. Function key required: it reveals network layout.
app.http("egress", {
  methods: ["GET"],
  authLevel: "function",
  route: "egress",
  handler: lazyHandler(async () => {
    const { egressResponse } = await import("../lib/network/egress-http.js");
    return () => egressResponse();
  }),
});
