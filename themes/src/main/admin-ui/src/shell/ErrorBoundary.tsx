import { ErrorRenderer } from "@keycloak/keycloak-admin-ui";
import { Component, type ReactNode } from "react";

type State = { error?: Error };

/** Shows a page's failure with the stock console's error panel instead of a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  state: State = {};

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  render() {
    return this.state.error ? <ErrorRenderer error={this.state.error} /> : this.props.children;
  }
}
