<#-- Keycloak's footer hook, on every login page of the theme: the operator's help link (theme.properties). -->
<#macro content>
    <#if properties.brandHelpUrl?has_content>
        <p id="inference-help" class="inference-help">
            <a id="inference-help-link" href="${properties.brandHelpUrl}" target="_blank" rel="noopener noreferrer">${properties.brandHelpLabel!"Help"}</a>
        </p>
    </#if>
</#macro>
