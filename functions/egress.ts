import { app } from "@azure/functions";
import { egressResponse } from "../lib/network/egress-http.js";

// Shows the IP the app's outbound traffic leaves from (the NAT gateway's, once VNet-integrated)
// and whether it is the one Atlas allow-lists. Function key required: it reveals network layout.
app.http("egress", {
  methods: ["GET"],
  authLevel: "function",
  route: "egress",
  handler: async () => egressResponse(),
});
